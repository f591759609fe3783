package org.histoscope.lis;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "lis_message")
class LisMessageEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    long caseId;
    int reportVersion;
    String controlId;
    String accessionNumber;
    String message;
    @Enumerated(EnumType.STRING)
    LisMessageState state;
    int attempts;
    Instant nextAttemptAt;
    String lastError;
    String ackCode;
    String ackText;
    Instant reportCreatedAt;
    Instant createdAt;
    Instant acknowledgedAt;

    LisMessage toMessage() {
        return new LisMessage(id, caseId, accessionNumber, reportVersion, controlId, state, attempts, nextAttemptAt,
                lastError, ackCode, ackText, reportCreatedAt, createdAt, acknowledgedAt);
    }
}
