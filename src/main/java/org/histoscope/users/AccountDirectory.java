package org.histoscope.users;

import org.springframework.security.access.AccessDeniedException;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
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

    AccountDirectory(UserAccountRepository accounts, PasswordEncoder passwordEncoder, LoginAttempts loginAttempts,
                     CurrentUser currentUser, Clock clock) {
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
     * account never verifies.
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
                && passwordEncoder.matches(rawPassword, found.get().getPasswordHash());
        if (!ok) {
            loginAttempts.failed(username, UserAuditAction.PASSWORD_VERIFICATION_FAILED, "wrong password");
        }
        return ok;
    }

    @Override
    @Transactional(readOnly = true)
    public List<UserSummary> usersWithRole(String role) {
        return accounts.findEnabledWithRole(role).stream()
                .map(a -> new UserSummary(a.getUsername(), a.getFullName()))
                .toList();
    }
}
