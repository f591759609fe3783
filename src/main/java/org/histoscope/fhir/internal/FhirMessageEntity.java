package org.histoscope.fhir.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "fhir_message")
class FhirMessageEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    long caseId;
    int reportVersion;
    String bundle;
    @Enumerated(EnumType.STRING)
    FhirMessageState state;
    int attempts;
    Instant nextAttemptAt;
    String lastError;
    Integer httpStatus;
    Instant reportCreatedAt;
    Instant createdAt;
    Instant deliveredAt;
}
