package org.histoscope.users.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.histoscope.security.DirectorySignInProvider;
import org.histoscope.security.Usernames;
import org.histoscope.users.AccountSource;
import org.histoscope.users.DirectoryAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.ldap.core.DirContextOperations;
import org.springframework.ldap.core.support.BaseLdapPathContextSource;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.ldap.authentication.BindAuthenticator;
import org.springframework.security.ldap.authentication.LdapAuthenticationProvider;
import org.springframework.security.ldap.search.FilterBasedLdapUserSearch;
import org.springframework.security.ldap.userdetails.DefaultLdapAuthoritiesPopulator;
import org.springframework.security.ldap.userdetails.UserDetailsContextMapper;
import org.springframework.security.authentication.AuthenticationProvider;

/**
 * LDAP bind sign-in, on when {@code histoscope.security.ldap.enabled=true}: the person is searched with the
 * service account ({@code spring.ldap.username}) and then bound as with the typed password; the directory's groups
 * give the roles and its display name the printed name, written into the local row at every sign-in
 * ({@link DirectoryAccounts}). Local accounts keep their names: a name held by a local account never goes to the
 * directory, so the break-glass administrator cannot be taken over by a directory entry of the same name.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "histoscope.security.ldap.enabled", havingValue = "true")
public class LdapSignInConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LdapSignInConfiguration.class);

    @Bean
    LdapDirectory ldapDirectory(BaseLdapPathContextSource contextSource, LdapSignInProperties properties) {
        FilterBasedLdapUserSearch search = new FilterBasedLdapUserSearch(properties.userSearchBase(),
                properties.userSearchFilter(), contextSource);
        BindAuthenticator authenticator = new BindAuthenticator(contextSource);
        authenticator.setUserSearch(search);
        DefaultLdapAuthoritiesPopulator groups = new DefaultLdapAuthoritiesPopulator(contextSource,
                properties.groupSearchBase());
        groups.setGroupSearchFilter(properties.groupSearchFilter());
        groups.setGroupRoleAttribute(properties.groupNameAttribute());
        groups.setRolePrefix("");
        groups.setConvertToUpperCase(false);
        groups.setSearchSubtree(true);
        groups.setIgnorePartialResultException(true); // Active Directory's referrals
        return new LdapDirectory(authenticator, groups,
                new RoleMapping(properties.groupRoles(), "histoscope.security.ldap.group-roles"), properties);
    }

    @Bean
    DirectorySignInProvider ldapSignInProvider(LdapDirectory directory, DirectoryAccounts directoryAccounts,
                                               UserAccountRepository accounts) {
        LdapAuthenticationProvider ldap = new LdapAuthenticationProvider(directory.authenticator(),
                directory.groups());
        ldap.setUserDetailsContextMapper(new AccountMapper(directory, directoryAccounts));
        return new DirectorySignInProvider(new LocalNamesFirst(ldap, accounts));
    }

    /** The bind and group look-up, shared by sign-in and the signature's password re-check. */
    public record LdapDirectory(BindAuthenticator authenticator, DefaultLdapAuthoritiesPopulator groups,
                         RoleMapping roleMapping, LdapSignInProperties properties) {

        /**
         * Binds as the person and reads their groups now; empty when the directory refuses the password, does not
         * find the person (removed, or excluded by the user filter: disabled) or gives them no role.
         */
        public java.util.Optional<DirectoryAccounts.DirectoryIdentity> bind(String typedName, String password) {
            DirContextOperations entry;
            try {
                entry = authenticator.authenticate(new UsernamePasswordAuthenticationToken(typedName, password));
            } catch (BadCredentialsException | org.springframework.security.core.userdetails
                    .UsernameNotFoundException refused) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(identity(entry, typedName, groups.getGrantedAuthorities(entry, typedName)));
        }

        DirectoryAccounts.DirectoryIdentity identity(DirContextOperations entry, String typedName,
                                                     Collection<? extends GrantedAuthority> authorities) {
            List<String> groupNames = new ArrayList<>();
            authorities.forEach(a -> groupNames.add(a.getAuthority()));
            String displayName = entry.getStringAttribute(properties.displayNameAttribute());
            if (displayName == null) {
                displayName = entry.getStringAttribute("cn");
            }
            return new DirectoryAccounts.DirectoryIdentity(AccountSource.LDAP, Usernames.normalise(typedName),
                    displayName, entry.getStringAttribute(properties.emailAttribute()),
                    roleMapping.rolesOf(groupNames), List.copyOf(groupNames));
        }
    }

    /** The directory's answer becomes the local row, and the local row's roles become the session's. */
    private record AccountMapper(LdapDirectory directory, DirectoryAccounts accounts)
            implements UserDetailsContextMapper {

        @Override
        public UserDetails mapUserFromContext(DirContextOperations entry, String username,
                                              Collection<? extends GrantedAuthority> authorities) {
            DirectoryAccounts.DirectoryIdentity identity = directory.identity(entry, username, authorities);
            Set<String> roles = accounts.signIn(identity);
            return User.withUsername(identity.username()).password("").roles(roles.toArray(String[]::new))
                    .build();
        }

        @Override
        public void mapUserToContext(UserDetails user, org.springframework.ldap.core.DirContextAdapter ctx) {
            throw new UnsupportedOperationException("Histoscope never writes to the directory");
        }
    }

    /**
     * Leaves names of local accounts to the local provider, and turns a directory that cannot be reached into a
     * plain failed attempt, so that the local (break-glass) administrator can still sign in during an outage.
     */
    private record LocalNamesFirst(AuthenticationProvider ldap, UserAccountRepository accounts)
            implements AuthenticationProvider {

        @Override
        public Authentication authenticate(Authentication authentication) throws AuthenticationException {
            boolean local = accounts.findByUsernameIgnoreCase(authentication.getName())
                    .map(account -> account.getSource() != AccountSource.LDAP).orElse(false);
            if (local) {
                return null;
            }
            try {
                return ldap.authenticate(authentication);
            } catch (InternalAuthenticationServiceException unreachable) {
                log.error("LDAP sign-in for '{}' failed: the directory could not be asked", authentication.getName(),
                        unreachable);
                throw new BadCredentialsException("Directory unavailable");
            }
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return ldap.supports(authentication);
        }
    }
}
