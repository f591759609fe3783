package org.histoscope.security;

import org.springframework.security.authentication.AuthenticationProvider;

/**
 * A directory's sign-in (LDAP) for the form login, tried before the local accounts. Wrapped in a bean of this type
 * rather than published as an {@link AuthenticationProvider} bean, so that the local accounts' provider stays the
 * application's only provider bean (Spring Security builds the global one from it, with our checks).
 */
public record DirectorySignInProvider(AuthenticationProvider provider) {
}
