package org.histoscope.testsupport;

import java.util.Set;
import java.util.function.Supplier;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAccountSummary;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Creates accounts for tests through the real service API, as a real administrator would, and then has the new
 * user change the initial password so that the account can be used at once (no forced password change).
 */
public final class TestAccounts {

    private TestAccounts() {
    }

    /** A ready account with the given password and roles (e.g. "PATHOLOGIST"). */
    public static UserAccountSummary createReadyUser(UserAccountService accounts, String username, String password,
                                                     String... roles) {
        String initial = "Initial-" + password;
        runAs("test-admin", Set.of("ADMIN"), () -> accounts.create(new UserAccountService.NewUser(
                username, "Dr " + username.substring(0, 1).toUpperCase() + username.substring(1), null,
                Set.of(roles), initial)));
        runAs(username, Set.of(roles), () -> {
            accounts.changeOwnPassword(initial, password);
            return null;
        });
        return runAs("test-admin", Set.of("ADMIN"), () -> accounts.find(username).orElseThrow());
    }

    /** Runs the work with the given user signed in (on this thread), restoring the previous context afterwards. */
    public static <T> T runAs(String username, Set<String> roles, Supplier<T> work) {
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        Authentication authentication = new UsernamePasswordAuthenticationToken(username, "n/a",
                AuthorityUtils.createAuthorityList(roles.stream().map(r -> "ROLE_" + r).toArray(String[]::new)));
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        try {
            return work.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }
}
