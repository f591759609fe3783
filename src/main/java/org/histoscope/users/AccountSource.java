package org.histoscope.users;

/** Where an account's identity, printed name and roles come from (docs/integration.md, "Directory sign-in"). */
public enum AccountSource {
    /** Password kept here (bcrypt); the only kind that signs in with the form against our own table. */
    LOCAL,
    /** Bind against an LDAP / Active Directory server; name and roles re-read from the directory at every sign-in. */
    LDAP,
    /** An OpenID Connect provider; name and roles from its ID token at every sign-in. */
    OIDC
}
