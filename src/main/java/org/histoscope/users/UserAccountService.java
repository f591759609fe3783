package org.histoscope.users;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.histoscope.audit.AuditService;
import org.histoscope.platform.FreeText;
import org.histoscope.security.ActiveSessions;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.LoginThrottle;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.security.Roles;
import org.histoscope.platform.SearchText;
import org.histoscope.users.internal.UserAccount;
import org.histoscope.users.internal.UserAccountRepository;
import org.springframework.data.domain.PageRequest;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Account administration (administrators only, enforced here and not just in the view) and a user's own password
 * change. Every change is audited in the same transaction. Disabling a user, resetting their password or changing
 * their roles ends the sessions they have open.
 */
@Service
@RolesAllowed(Roles.ADMIN)
public class UserAccountService {

    public static final Set<String> ALL_ROLES = Set.of(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN);
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,63}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final UserAccountRepository accounts;
    private final PasswordEncoder passwordEncoder;
    private final PasswordPolicy passwordPolicy;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final LoginAttempts loginAttempts;
    private final ActiveSessions activeSessions;
    private final Clock clock;
    private final TransactionTemplate transactions;
    private final LoginThrottle loginThrottle;

    UserAccountService(UserAccountRepository accounts, PasswordEncoder passwordEncoder, PasswordPolicy passwordPolicy,
                       AuditService audit, CurrentUser currentUser, LoginAttempts loginAttempts,
                       ActiveSessions activeSessions, PlatformTransactionManager transactionManager,
                       Clock clock, LoginThrottle loginThrottle) {
        this.loginThrottle = loginThrottle;
        this.activeSessions = activeSessions;
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.passwordPolicy = passwordPolicy;
        this.audit = audit;
        this.currentUser = currentUser;
        this.loginAttempts = loginAttempts;
        this.clock = clock;
        this.transactions = new TransactionTemplate(transactionManager);
    }

    public record NewUser(String username, String fullName, String email, Set<String> roles, String initialPassword) {
        public NewUser {
            fullName = FreeText.clean(fullName);
            email = FreeText.clean(email);
        }
    }

    public record UserChanges(String fullName, String email, Set<String> roles) {
        public UserChanges {
            fullName = FreeText.clean(fullName);
            email = FreeText.clean(email);
        }
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public List<UserAccountSummary> search(String text, int offset, int limit) {
        int pageSize = Math.max(1, Math.min(limit, 500));
        Instant now = clock.instant();
        return accounts.search(likePattern(text), PageRequest.of(offset / pageSize, pageSize)).stream()
                .map(a -> a.summary(now)).toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public long count(String text) {
        return accounts.countMatching(likePattern(text));
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public Optional<UserAccountSummary> find(String username) {
        return accounts.findByUsernameIgnoreCase(username).map(a -> a.summary(clock.instant()));
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary create(NewUser request) {
        String username = request.username() == null ? "" : request.username().trim();
        if (!USERNAME.matcher(username).matches()) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.user-name-must-2-64"));
        }
        if (accounts.findByUsernameIgnoreCase(username).isPresent()) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.user-named-already-exists", String.valueOf(username)));
        }
        String fullName = requireFullName(request.fullName());
        String email = normaliseEmail(request.email());
        Set<String> roles = requireRoles(request.roles());
        passwordPolicy.check(username, request.initialPassword());
        String actor = currentUser.usernameOrSystem();
        UserAccount account = new UserAccount(username, fullName, email,
                passwordEncoder.encode(request.initialPassword()), roles, clock.instant(), actor);
        account.setMustChangePassword(true);
        accounts.saveAndFlush(account);
        audit.record(UserAuditAction.USER_CREATED, "USER", username,
                Map.of("fullName", fullName, "email", email == null ? "" : email, "roles", List.copyOf(roles)));
        return account.summary(clock.instant());
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary update(String username, UserChanges changes) {
        UserAccount account = existing(username);
        if (account.getSource() != AccountSource.LOCAL) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.account-s-name-roles-come", String.valueOf(account.getSource())));
        }
        String fullName = requireFullName(changes.fullName());
        String email = normaliseEmail(changes.email());
        Set<String> roles = requireRoles(changes.roles());
        if (isSelf(account) && account.getRoles().contains(Roles.ADMIN) && !roles.contains(Roles.ADMIN)) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.you-cannot-remove-your-own"));
        }
        if (account.getRoles().contains(Roles.ADMIN) && !roles.contains(Roles.ADMIN) && account.isEnabled()) {
            requireAnotherEnabledAdmin();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        putChange(details, "fullName", account.getFullName(), fullName);
        putChange(details, "email", account.getEmail(), email);
        putChange(details, "roles", new TreeSet<>(account.getRoles()), new TreeSet<>(roles));
        if (details.isEmpty()) {
            return account.summary(clock.instant());
        }
        if (details.containsKey("roles")) {
            endSessionsAfterCommit(account.getUsername());
        }
        account.setFullName(fullName);
        account.setEmail(email);
        account.setRoles(roles);
        account.touch(clock.instant(), currentUser.usernameOrSystem());
        accounts.saveAndFlush(account);
        audit.record(UserAuditAction.USER_UPDATED, "USER", account.getUsername(), details);
        return account.summary(clock.instant());
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary setEnabled(String username, boolean enabled) {
        UserAccount account = existing(username);
        if (account.isEnabled() == enabled) {
            return account.summary(clock.instant());
        }
        if (!enabled && isSelf(account)) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.you-cannot-disable-your-own"));
        }
        if (!enabled && account.getRoles().contains(Roles.ADMIN)) {
            requireAnotherEnabledAdmin();
        }
        account.setEnabled(enabled);
        if (!enabled) {
            endSessionsAfterCommit(account.getUsername());
        }
        account.touch(clock.instant(), currentUser.usernameOrSystem());
        accounts.saveAndFlush(account);
        audit.record(enabled ? UserAuditAction.USER_ENABLED : UserAuditAction.USER_DISABLED, "USER",
                account.getUsername(), Map.of());
        return account.summary(clock.instant());
    }

    /** Sets a temporary password that the user must change at the next login. */
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary resetPassword(String username, String temporaryPassword) {
        UserAccount account = existing(username);
        if (account.getSource() == AccountSource.LDAP) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.account-s-password-kept-directory"));
        }
        passwordPolicy.check(account.getUsername(), temporaryPassword);
        account.setPasswordHash(passwordEncoder.encode(temporaryPassword));
        account.setMustChangePassword(true);
        account.touch(clock.instant(), currentUser.usernameOrSystem());
        endSessionsAfterCommit(account.getUsername());
        accounts.saveAndFlush(account);
        audit.record(UserAuditAction.PASSWORD_RESET, "USER", account.getUsername(), Map.of("mustChange", true));
        return account.summary(clock.instant());
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary unlock(String username) {
        UserAccount account = existing(username);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("wasLockedUntil", account.getLockedUntil() == null ? "" : account.getLockedUntil().toString());
        details.put("failedAttempts", account.getFailedAttempts());
        account.setLockedUntil(null);
        account.setFailedAttempts(0);
        account.touch(clock.instant(), currentUser.usernameOrSystem());
        accounts.saveAndFlush(account);
        loginThrottle.forgetAccount(account.getUsername());
        audit.record(UserAuditAction.ACCOUNT_UNLOCKED, "USER", account.getUsername(), details);
        return account.summary(clock.instant());
    }

    /**
     * The signed-in user's own password change. A wrong current password counts towards the lockout (it is
     * recorded in its own transaction, so the count survives the refusal).
     */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public void changeOwnPassword(String currentPassword, String newPassword) {
        String username = currentUser.username()
                .orElseThrow(() -> new UserAdministrationException(PeopleText.of("refusal.users.sign-in-to-change-password")));
        UserAccount account = accounts.findByUsernameIgnoreCase(username)
                .orElseThrow(() -> new UserAdministrationException(PeopleText.of("refusal.users.your-account-longer-exists")));
        if (account.getSource() == AccountSource.LDAP) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.your-password-kept-directory-change"));
        }
        if (account.isLockedAt(clock.instant())) {
            // Otherwise the lock after failed signatures could be sidestepped by guessing here instead
            throw new UserAdministrationException(PeopleText.of("refusal.users.your-account-locked-after-repeated"));
        }
        if (currentPassword == null || !passwordEncoder.matches(currentPassword, account.getPasswordHash())) {
            loginAttempts.failed(username, UserAuditAction.PASSWORD_VERIFICATION_FAILED, "wrong current password");
            throw new UserAdministrationException(UserAdministrationException.Field.CURRENT_PASSWORD,
                    PeopleText.of("refusal.users.current-password-correct"));
        }
        passwordPolicy.check(username, newPassword);
        if (newPassword.equals(currentPassword)) {
            throw new UserAdministrationException(UserAdministrationException.Field.NEW_PASSWORD,
                    PeopleText.of("refusal.users.new-password-must-differ-from"));
        }
        storeNewPassword(username, newPassword);
    }

    private void storeNewPassword(String username, String newPassword) {
        String hash = passwordEncoder.encode(newPassword);
        transactions.executeWithoutResult(status -> {
            UserAccount account = existing(username);
            account.setPasswordHash(hash);
            account.setMustChangePassword(false);
            account.touch(clock.instant(), username);
            accounts.saveAndFlush(account);
            audit.record(UserAuditAction.PASSWORD_CHANGED, "USER", account.getUsername(), Map.of());
            endOtherSessionsAfterCommit(account.getUsername());
        });
    }

    /** The signed-in user's language; empty when they follow their browser's language (or nobody is signed in). */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Optional<UserLanguage> ownLanguage() {
        return currentUser.username().flatMap(accounts::findByUsernameIgnoreCase).flatMap(UserAccount::getLanguage);
    }

    /** The signed-in user chooses the language of their screens; null follows the browser. Directory accounts too. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public UserAccountSummary changeOwnLanguage(UserLanguage language) {
        String username = currentUser.username()
                .orElseThrow(() -> new UserAdministrationException(PeopleText.of("refusal.users.sign-in-to-choose-language")));
        return storeLanguage(existing(username), language);
    }

    /** An administrator sets the language of someone's screens (any source: the directory does not provide it). */
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public UserAccountSummary setLanguage(String username, UserLanguage language) {
        return storeLanguage(existing(username), language);
    }

    private UserAccountSummary storeLanguage(UserAccount account, UserLanguage language) {
        Optional<UserLanguage> before = account.getLanguage();
        if (before.equals(Optional.ofNullable(language))) {
            return account.summary(clock.instant());
        }
        account.setLanguage(language);
        account.touch(clock.instant(), currentUser.usernameOrSystem());
        accounts.saveAndFlush(account);
        audit.record(UserAuditAction.LANGUAGE_CHANGED, "USER", account.getUsername(),
                Map.of("from", before.map(UserLanguage::name).orElse("BROWSER"),
                        "to", language == null ? "BROWSER" : language.name()));
        return account.summary(clock.instant());
    }

    /** Whether the user must choose a new password before doing anything else. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public boolean mustChangePassword(String username) {
        if (!currentUser.hasRole(Roles.ADMIN)
                && !currentUser.username().map(me -> me.equalsIgnoreCase(username)).orElse(false)) {
            throw new org.springframework.security.access.AccessDeniedException("Only your own account");
        }
        return accounts.findByUsernameIgnoreCase(username).map(UserAccount::isMustChangePassword).orElse(false);
    }

    /**
     * A changed account must not keep working in sessions opened before the change (roles are read at login),
     * so those sessions end at their next request; only once the change is committed.
     */
    private void endSessionsAfterCommit(String username) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                activeSessions.endSessionsOf(username);
            }
        });
    }

    /**
     * The own password change keeps the session it was made in and ends the user's others (ASVS 7.4.3), once
     * committed; after-commit runs on the request's thread, which still knows its session.
     */
    private void endOtherSessionsAfterCommit(String username) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                activeSessions.endOtherSessionsOf(username);
            }
        });
    }

    private UserAccount existing(String username) {
        return accounts.findByUsernameIgnoreCase(username == null ? "" : username)
                .orElseThrow(() -> new UserAdministrationException(PeopleText.of("refusal.users.no-such-user", String.valueOf(username))));
    }

    private boolean isSelf(UserAccount account) {
        return currentUser.username().map(account.getUsername()::equalsIgnoreCase).orElse(false);
    }

    private void requireAnotherEnabledAdmin() {
        if (accounts.countEnabledAdmins() <= 1) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.least-one-enabled-administrator-must"));
        }
    }

    private static String requireFullName(String fullName) {
        String trimmed = fullName == null ? "" : fullName.strip();
        if (trimmed.isEmpty() || trimmed.length() > 200) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.enter-full-name-printed-signatures"));
        }
        return trimmed;
    }

    private static String normaliseEmail(String email) {
        if (email == null || email.isBlank()) {
            return null;
        }
        String trimmed = email.strip();
        if (trimmed.length() > 254 || !EMAIL.matcher(trimmed).matches()) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.valid-e-mail-address", String.valueOf(trimmed)));
        }
        return trimmed;
    }

    private static Set<String> requireRoles(Set<String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.give-user-least-one-role"));
        }
        Set<String> normalised = new TreeSet<>();
        for (String role : roles) {
            String upper = role == null ? "" : role.trim().toUpperCase(Locale.ROOT);
            if (!ALL_ROLES.contains(upper)) {
                throw new UserAdministrationException(PeopleText.of("refusal.users.unknown-role", String.valueOf(role)));
            }
            normalised.add(upper);
        }
        return normalised;
    }

    private static void putChange(Map<String, Object> details, String field, Object before, Object after) {
        if (before == null ? after != null : !before.equals(after)) {
            details.put(field, Map.of("from", before == null ? "" : before, "to", after == null ? "" : after));
        }
    }

    private static String likePattern(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        return SearchText.containsPattern(text);
    }
}
