package org.histoscope.users;

import org.springframework.security.access.AccessDeniedException;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.internal.LdapSignInConfiguration;
import org.histoscope.users.internal.UserAccount;
import org.histoscope.users.internal.UserAccountRepository;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The users feature's answer to {@link UserDirectory}, backed by the account table. */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
class AccountDirectory implements UserDirectory {

    private final UserAccountRepository accounts;
    private final PasswordEncoder passwordEncoder;
    private final LoginAttempts loginAttempts;
    private final CurrentUser currentUser;
    private final Clock clock;
    private final ObjectProvider<LdapSignInConfiguration.LdapDirectory> ldap;

    AccountDirectory(UserAccountRepository accounts, PasswordEncoder passwordEncoder, LoginAttempts loginAttempts,
                     CurrentUser currentUser, Clock clock, ObjectProvider<LdapSignInConfiguration.LdapDirectory> ldap) {
        this.ldap = ldap;
        this.currentUser = currentUser;
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.loginAttempts = loginAttempts;
        this.clock = clock;
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<String> printedName(String username) {
        return accounts.findByUsernameIgnoreCase(username == null ? "" : username).map(UserAccount::getFullName);
    }

    /**
     * Not transactional on purpose: a failure is recorded by {@link LoginAttempts} in its own transaction, so the
     * count stays even when the caller's transaction rolls back because of the refusal. A locked or disabled
     * account never verifies. The password is checked where the account comes from: a local (or OpenID Connect
     * account's local signature) password against its hash here, an LDAP account's by a bind against the directory
     * now, so that a person disabled or removed there, or left without a role, can no longer sign.
     */
    @Override
    public boolean verifyPassword(String username, String rawPassword) {
        // Re-authentication of the signer only: otherwise this would be a password oracle and a way to lock others out
        if (!currentUser.username().map(me -> me.equalsIgnoreCase(username)).orElse(false)) {
            throw new AccessDeniedException("Only the signed-in user's own password can be checked");
        }
        Optional<UserAccount> found = accounts.findByUsernameIgnoreCase(username == null ? "" : username);
        boolean ok = found.isPresent()
                && found.get().isEnabled()
                && !found.get().isLockedAt(clock.instant())
                && rawPassword != null
                && passwordMatches(found.get(), rawPassword);
        if (!ok) {
            loginAttempts.failed(username, UserAuditAction.PASSWORD_VERIFICATION_FAILED, "wrong password");
        }
        return ok;
    }

    private boolean passwordMatches(UserAccount account, String rawPassword) {
        if (account.getSource() != AccountSource.LDAP) {
            return passwordEncoder.matches(rawPassword, account.getPasswordHash());
        }
        LdapSignInConfiguration.LdapDirectory directory = ldap.getIfAvailable();
        return directory != null && directory.bind(account.getUsername(), rawPassword)
                .filter(identity -> !identity.roles().isEmpty())
                .isPresent();
    }

    @Override
    @Transactional(readOnly = true)
    public List<UserSummary> usersWithRole(String role) {
        return accounts.findEnabledWithRole(role).stream()
                .map(a -> new UserSummary(a.getUsername(), a.getFullName()))
                .toList();
    }
}
