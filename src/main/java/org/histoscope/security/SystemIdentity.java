package org.histoscope.security;

import java.util.List;
import java.util.function.Supplier;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The identity background work runs under (durable jobs, start-up tasks). Services guard their job-only entry
 * points with {@code @RolesAllowed(Roles.SYSTEM)}; no account can hold that role (the database allows only the three
 * user roles), so neither a view nor the API can reach them with a user's session.
 */
public final class SystemIdentity {

    public static final String NAME = "system";

    private SystemIdentity() {
    }

    public static <T> T call(Supplier<T> work) {
        SecurityContext previous = SecurityContextHolder.getContext();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(NAME, null,
                List.of(new SimpleGrantedAuthority("ROLE_" + Roles.SYSTEM))));
        SecurityContextHolder.setContext(context);
        try {
            return work.get();
        } finally {
            SecurityContextHolder.setContext(previous);
        }
    }

    public static void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }
}
