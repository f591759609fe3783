package org.histoscope.security;

/** The three roles of Histoscope. A user may hold several. Spring authorities carry the "ROLE_" prefix. */
public final class Roles {

    public static final String PATHOLOGIST = "PATHOLOGIST";
    public static final String REVIEWER = "REVIEWER";
    public static final String ADMIN = "ADMIN";

    private Roles() {
    }
}
