package org.histoscope.audit;

import java.time.Instant;

/** One audit event as read back. {@code detailsJson} is the stored JSON text. */
public record AuditEntry(long id, Instant occurredAt, String actor, String action, String targetType,
                         String targetId, Long caseId, String detailsJson, String clientAddress, String hash) {
}
