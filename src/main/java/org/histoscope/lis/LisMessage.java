package org.histoscope.lis;

import java.time.Instant;

/** An outbox message as administrators see it (without its text, which holds the patient and the PDF). */
public record LisMessage(long id, long caseId, String accessionNumber, int reportVersion, String controlId,
                         LisMessageState state, int attempts, Instant nextAttemptAt, String lastError, String ackCode,
                         String ackText, Instant reportCreatedAt, Instant createdAt, Instant acknowledgedAt) {
}
