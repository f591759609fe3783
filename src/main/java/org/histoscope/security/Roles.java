package org.histoscope.security;

/** The three roles of Histoscope. A user may hold several. Spring authorities carry the "ROLE_" prefix. */
public final class Roles {

    public static final String PATHOLOGIST = "PATHOLOGIST";
    public static final String REVIEWER = "REVIEWER";
    public static final String ADMIN = "ADMIN";
    /** Background work only (see {@link SystemIdentity}); never granted to an account. */
    public static final String SYSTEM = "SYSTEM";

    private Roles() {
    }
}
