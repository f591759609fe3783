package org.histoscope.security.internal;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/** The sign-in page's "Sign in with …" links, one per configured OpenID Connect provider (none by default). */
@Component
@Unguarded("the sign-in page lists the configured providers before anyone is signed in; names and paths only")
public class OidcSignInLinks {

    /** @param path where the link goes (Spring Security's authorization request endpoint, relative) */
    public record Link(String label, String path) {
    }

    private final List<Link> links = new ArrayList<>();

    OidcSignInLinks(ObjectProvider<ClientRegistrationRepository> registrations) {
        if (registrations.getIfAvailable() instanceof Iterable<?> all) {
            for (Object registration : all) {
                if (registration instanceof ClientRegistration oidc) {
                    links.add(new Link("Sign in with " + oidc.getClientName(),
                            "oauth2/authorization/" + oidc.getRegistrationId()));
                }
            }
        }
    }

    public List<Link> links() {
        return List.copyOf(links);
    }
}
