package org.histoscope.lis.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.histoscope.lis.LisMessage;
import org.histoscope.lis.LisMessageState;

@Entity
@Table(name = "lis_message")
public class LisMessageEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public long caseId;
    int reportVersion;
    public String controlId;
    String accessionNumber;
    String message;
    @Enumerated(EnumType.STRING)
    public LisMessageState state;
    public int attempts;
    public Instant nextAttemptAt;
    String lastError;
    String ackCode;
    String ackText;
    Instant reportCreatedAt;
    Instant createdAt;
    Instant acknowledgedAt;

    public LisMessage toMessage() {
        return new LisMessage(id, caseId, accessionNumber, reportVersion, controlId, state, attempts, nextAttemptAt,
                lastError, ackCode, ackText, reportCreatedAt, createdAt, acknowledgedAt);
    }
}
