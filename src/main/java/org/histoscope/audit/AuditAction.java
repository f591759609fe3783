package org.histoscope.audit;

/**
 * An enum-like code for something that happened. Each feature declares its own enum implementing this
 * interface (e.g. {@code CaseAuditAction.CASE_CREATED}), so features add actions without editing a central list.
 */
public interface AuditAction {

    /** Stable upper-case code stored in audit_event.action, e.g. "LOGIN_SUCCEEDED". */
    String code();
}
