package org.histoscope.users;

import org.histoscope.audit.AuditAction;

/** What the users feature records in the audit log (also logins: the accounts are ours). */
public enum UserAuditAction implements AuditAction {
    FIRST_ADMIN_CREATED,
    USER_CREATED,
    USER_UPDATED,
    USER_ENABLED,
    USER_DISABLED,
    PASSWORD_RESET,
    PASSWORD_CHANGED,
    ACCOUNT_UNLOCKED,
    ACCOUNT_LOCKED,
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    LOGOUT,
    PASSWORD_VERIFICATION_FAILED,
    SECURITY_SETTING_CHANGED,
    /** A signed-in session ended without a logout: idle timeout or the absolute session lifetime. */
    SESSION_ENDED;

    @Override
    public String code() {
        return name();
    }
}
