package org.histoscope.audit;

import java.time.Instant;

/**
 * What to look for in the audit log. Every field is optional (null or blank = no restriction). {@code actor}
 * matches case-insensitively as a substring; the other text fields match exactly (target type ignoring case);
 * {@code from} is inclusive and {@code to} exclusive.
 */
public record AuditFilter(String actor, String action, String targetType, String targetId, Long caseId,
                          Instant from, Instant to) {

    public static AuditFilter none() {
        return new AuditFilter(null, null, null, null, null, null, null);
    }
}
