package org.histoscope.security;

import java.util.Optional;

/** Who is acting now. Services use it for "who" fields and audit; views for showing the user. */
public interface CurrentUser {

    /** The signed-in user's login name, if any. */
    Optional<String> username();

    /** The login name, or "system" outside a user's request (jobs, start-up). */
    default String usernameOrSystem() {
        return username().orElse("system");
    }

    boolean hasRole(String role);
}
