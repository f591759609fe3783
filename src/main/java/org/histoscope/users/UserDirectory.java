package org.histoscope.users;

import java.util.List;
import java.util.Optional;

/** What other features may ask about users, without reaching into the users feature's internals. */
public interface UserDirectory {

    /** The user's printed (full) name, as shown on electronic signatures. */
    Optional<String> printedName(String username);

    /**
     * Checks the user's current password again, for electronic signatures (21 CFR 11.200). A failure counts
     * towards the lockout like a failed login.
     */
    boolean verifyPassword(String username, String rawPassword);

    /** Enabled users holding the role, for pickers such as "assigned pathologist". */
    List<UserSummary> usersWithRole(String role);

    record UserSummary(String username, String printedName) {
    }
}
