package org.histoscope.security.internal;

import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;
import org.histoscope.security.CurrentUser;

/** The user of the current request, from Spring Security's context (also set for Vaadin UI requests and push). */
@Component
@Unguarded("tells who is signed in; the rules are applied by its callers")
class SpringSecurityCurrentUser implements CurrentUser {

    @Override
    public Optional<String> username() {
        return authenticated().map(Authentication::getName);
    }

    @Override
    public boolean hasRole(String role) {
        String authority = "ROLE_" + role;
        return authenticated().stream()
                .flatMap(a -> a.getAuthorities().stream())
                .anyMatch(granted -> authority.equals(granted.getAuthority()));
    }

    private static Optional<Authentication> authenticated() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !authentication.isAuthenticated()
                || authentication instanceof AnonymousAuthenticationToken) {
            return Optional.empty();
        }
        return Optional.of(authentication);
    }
}
