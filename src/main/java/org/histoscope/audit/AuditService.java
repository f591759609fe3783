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

    /**
     * As {@link #recordAs}, for an event that belongs to no change of the caller's (one API request made with a
     * token): appended in its own short transaction, batched with the other such events queued at that moment, so
     * that many concurrent requests take the chain's lock and commit once, not once each, and none holds a
     * database connection while it waits. Returns once the event is committed; throws if it could not be stored.
     */
    void recordDetachedAs(String actor, AuditAction action, String targetType, String targetId, Map<String, ?> details);

    /** Every event linked to the case, oldest first. */
    List<AuditEntry> caseTimeline(long caseId);

    /** Walks the whole chain and reports the first row whose hash or link does not match. */
    ChainVerification verifyChain();
}
