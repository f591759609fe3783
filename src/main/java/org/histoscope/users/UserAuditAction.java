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
    SESSION_ENDED,
    /** A directory (LDAP, OIDC) account signed in for the first time and got its local row. */
    DIRECTORY_USER_PROVISIONED,
    /** A directory sign-in brought a changed printed name, e-mail or roles into the local row. */
    DIRECTORY_USER_UPDATED,
    /** The directory accepted the person, Histoscope did not (no mapped role, disabled here, name taken locally). */
    DIRECTORY_SIGN_IN_REFUSED,
    /** The language an account's screens are shown in changed (by the user or an administrator). */
    LANGUAGE_CHANGED,
    /** A local account signed in with its password while directory sign-in is configured (emergency access). */
    BREAK_GLASS_LOGIN;

    @Override
    public String code() {
        return name();
    }
}
