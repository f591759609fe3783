package org.histoscope.users.internal;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * OpenID Connect sign-in (docs/integration.md). The provider itself is Spring Boot's
 * {@code spring.security.oauth2.client.registration.<id>.*} and {@code ...provider.<id>.*}; with no registration
 * OIDC sign-in is off.
 *
 * @param rolesClaim  the ID token (or user info) claim that lists the person's groups or roles, e.g. Keycloak's
 *                    {@code roles} (a client-scope mapper), Entra ID's {@code roles} or {@code groups}
 * @param claimRoles  claim value → Histoscope roles (PATHOLOGIST, REVIEWER, ADMIN); a person with none is refused
 */
@ConfigurationProperties("histoscope.security.oidc")
public record OidcSignInProperties(@DefaultValue("roles") String rolesClaim, Map<String, List<String>> claimRoles) {
}
