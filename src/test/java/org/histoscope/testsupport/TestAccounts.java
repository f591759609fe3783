package org.histoscope.testsupport;

import java.util.Set;
import org.histoscope.security.Roles;
import org.histoscope.users.UserAccountService;

/** Creates real user accounts (through the users feature, as an administrator) for tests that sign or log in. */
public final class TestAccounts {

    public static final String PASSWORD = "Correct-Horse-Battery-42";

    private TestAccounts() {
    }

    /** Creates the account unless it exists; its password is {@link #PASSWORD}. */
    public static void ensure(UserAccountService users, String username, String fullName, String... roles) {
        ActingAs.run("test-admin", () -> {
            if (users.find(username).isEmpty()) {
                users.create(new UserAccountService.NewUser(username, fullName, username + "@example.org",
                        Set.of(roles), PASSWORD));
            }
        }, Roles.ADMIN);
    }
}
