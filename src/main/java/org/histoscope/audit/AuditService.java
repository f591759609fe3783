package org.histoscope.audit;

import java.util.List;
import java.util.Map;

/**
 * The one way to write to the append-only, hash-chained audit log. Writes join the caller's transaction, so an
 * audited change and its audit event are stored together or not at all.
 */
public interface AuditService {

    /** Records an event by the signed-in user (or "system" outside a user's request). */
    void record(AuditAction action, String targetType, String targetId, Map<String, ?> details);

    /** As {@link #record}, and links the event to a patient case so it appears on the case timeline. */
    void recordForCase(AuditAction action, String targetType, String targetId, long caseId, Map<String, ?> details);

    /** Records an event whose actor is known explicitly (login attempts, jobs run on behalf of a user). */
    void recordAs(String actor, AuditAction action, String targetType, String targetId, Map<String, ?> details);

    /** Every event linked to the case, oldest first. */
    List<AuditEntry> caseTimeline(long caseId);

    /** Walks the whole chain and reports the first row whose hash or link does not match. */
    ChainVerification verifyChain();
}
