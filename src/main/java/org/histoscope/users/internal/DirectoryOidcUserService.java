package org.histoscope.users.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.histoscope.security.Usernames;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.histoscope.platform.Unguarded;
import org.histoscope.users.AccountSource;
import org.histoscope.users.DirectoryAccounts;
import org.springframework.stereotype.Component;

/**
 * The person an OpenID Connect provider signed in, as a Histoscope user: roles from the configured claim through
 * the configured mapping, the local row kept in step ({@link DirectoryAccounts}), the session's name the
 * normalised user name (the provider's {@code user-name-attribute}, e.g. {@code preferred_username}). Spring
 * Security's OAuth2 login picks this bean up by its type.
 */
@Component
@Unguarded("Spring Security's OIDC sign-in callback, before anyone is signed in; the provider's signed ID token is its credential")
class DirectoryOidcUserService implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService standard = new OidcUserService();
    private final DirectoryAccounts accounts;
    private final OidcSignInProperties properties;

    DirectoryOidcUserService(DirectoryAccounts accounts, OidcSignInProperties properties) {
        this.accounts = accounts;
        this.properties = properties;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        OidcUser user = standard.loadUser(request);
        List<String> groups = claimValues(user.getClaims().get(properties.rolesClaim()));
        Set<String> mapped = properties.claimRoles() == null || properties.claimRoles().isEmpty() ? Set.of()
                : new RoleMapping(properties.claimRoles(), "histoscope.security.oidc.claim-roles").rolesOf(groups);
        String username = Usernames.normalise(user.getName());
        String displayName = user.getFullName() != null ? user.getFullName()
                : user.getGivenName() != null ? (user.getGivenName() + " " + String.valueOf(user.getFamilyName()))
                : null;
        Set<String> roles = accounts.signIn(new DirectoryAccounts.DirectoryIdentity(AccountSource.OIDC, username,
                displayName, user.getEmail(), mapped, groups));
        return new SignedInOidcUser(AuthorityUtils.createAuthorityList(
                roles.stream().map(role -> "ROLE_" + role).toArray(String[]::new)), user, username);
    }

    private static List<String> claimValues(Object claim) {
        List<String> values = new ArrayList<>();
        if (claim instanceof Collection<?> many) {
            many.forEach(value -> values.add(String.valueOf(value)));
        } else if (claim instanceof String one) {
            for (String value : one.split("[,\\s]+")) {
                if (!value.isBlank()) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** The provider's user with Histoscope's roles, named as the local row is. */
    private static final class SignedInOidcUser extends DefaultOidcUser {
        private final String username;

        SignedInOidcUser(Collection<? extends org.springframework.security.core.GrantedAuthority> authorities,
                         OidcUser user, String username) {
            super(authorities, user.getIdToken(), user.getUserInfo());
            this.username = username;
        }

        @Override
        public String getName() {
            return username;
        }

        @Override
        public boolean equals(Object other) {
            return super.equals(other);
        }

        @Override
        public int hashCode() {
            return super.hashCode();
        }
    }
}
