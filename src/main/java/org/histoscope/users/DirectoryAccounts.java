package org.histoscope.users;

import jakarta.annotation.security.PermitAll;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.histoscope.audit.AuditService;
import org.histoscope.platform.FreeText;
import org.histoscope.security.ActiveSessions;
import org.histoscope.security.Usernames;
import org.histoscope.users.internal.UserAccount;
import org.histoscope.users.internal.UserAccountRepository;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The local row of a directory (LDAP, OIDC) account, kept in step with the directory at every sign-in: created at
 * the first one, its printed name, e-mail and roles overwritten by what the directory says now. Cases, reviews,
 * the audit trail and segregation of duties keep working on it as on a local account. A person the directory
 * accepts is still refused here when no group maps to a role, when an administrator disabled the row, or when
 * the name belongs to an account of another source (a directory must not take over a local administrator).
 */
@Service
@PermitAll // called while signing in, before anyone is signed in; package-private, so other features cannot reach it
public class DirectoryAccounts {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_USERNAME = 64;
    private static final int MAX_NAME = 200;

    private final UserAccountRepository accounts;
    private final PasswordEncoder passwordEncoder;
    private final AuditService audit;
    private final ActiveSessions activeSessions;
    private final Clock clock;

    DirectoryAccounts(UserAccountRepository accounts, PasswordEncoder passwordEncoder, AuditService audit,
                      ActiveSessions activeSessions, Clock clock) {
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.audit = audit;
        this.activeSessions = activeSessions;
        this.clock = clock;
    }

    /** What the directory says about a person who just proved who they are. */
    public record DirectoryIdentity(AccountSource source, String username, String displayName, String email,
                             Set<String> roles, List<String> groups) {
    }

    /**
     * Creates or updates the person's local row and returns the roles of this sign-in. Refusals are audited here
     * with their reason and end in a {@link DisabledException} (the sign-in page says only "failed").
     */
    @Transactional(noRollbackFor = DisabledException.class)
    public Set<String> signIn(DirectoryIdentity identity) {
        String username = identity.username() == null ? "" : identity.username().strip();
        if (username.isEmpty() || username.length() > MAX_USERNAME) {
            throw refused(identity, "the directory's user name is empty or longer than " + MAX_USERNAME);
        }
        if (identity.roles().isEmpty()) {
            throw refused(identity, "no directory group maps to a Histoscope role");
        }
        String fullName = printedName(identity);
        String email = email(identity.email());
        Instant now = clock.instant();
        String actor = identity.source().name().toLowerCase(java.util.Locale.ROOT) + ":" + username;
        var existing = accounts.findForUpdate(username);
        if (existing.isEmpty()) {
            UserAccount account = new UserAccount(username, fullName, email, unusableHash(), identity.roles(),
                    now, actor);
            account.setSource(identity.source());
            account.setMustChangePassword(false);
            accounts.saveAndFlush(account);
            audit.recordAs(account.getUsername(), UserAuditAction.DIRECTORY_USER_PROVISIONED, "USER",
                    account.getUsername(), Map.of("source", identity.source().name(), "fullName", fullName,
                            "email", email == null ? "" : email, "roles", List.copyOf(identity.roles()),
                            "groups", identity.groups()));
            return Set.copyOf(identity.roles());
        }
        UserAccount account = existing.get();
        if (account.getSource() != identity.source()) {
            throw refused(identity, "the name belongs to a " + account.getSource() + " account");
        }
        if (!account.isEnabled()) {
            throw refused(identity, "the account is disabled in Histoscope");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        putChange(changes, "fullName", account.getFullName(), fullName);
        putChange(changes, "email", account.getEmail(), email);
        putChange(changes, "roles", new TreeSet<>(account.getRoles()), new TreeSet<>(identity.roles()));
        if (!changes.isEmpty()) {
            if (changes.containsKey("roles")) {
                endOlderSessionsAfterCommit(account.getUsername());
            }
            account.setFullName(fullName);
            account.setEmail(email);
            account.setRoles(identity.roles());
            account.touch(now, actor);
            accounts.saveAndFlush(account);
            changes.put("source", identity.source().name());
            changes.put("groups", identity.groups());
            audit.recordAs(account.getUsername(), UserAuditAction.DIRECTORY_USER_UPDATED, "USER",
                    account.getUsername(), changes);
        }
        return Set.copyOf(account.getRoles());
    }

    private DisabledException refused(DirectoryIdentity identity, String reason) {
        audit.recordAs(LoginAttempts.ANONYMOUS, UserAuditAction.DIRECTORY_SIGN_IN_REFUSED, "USER",
                LoginAttempts.clip(Usernames.normalise(identity.username())),
                Map.of("source", identity.source().name(), "reason", reason, "groups", identity.groups()));
        return new DisabledException("Directory sign-in refused: " + reason);
    }

    /** Sessions opened with the old roles end at their next request; the one being opened now is not yet known. */
    private void endOlderSessionsAfterCommit(String username) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                activeSessions.endSessionsOf(username);
            }
        });
    }

    private static String printedName(DirectoryIdentity identity) {
        String cleaned = FreeText.clean(identity.displayName());
        String name = cleaned == null || cleaned.isBlank() ? identity.username().strip() : cleaned.strip();
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME);
    }

    private static String email(String email) {
        String cleaned = FreeText.clean(email);
        return cleaned == null || cleaned.isBlank() || cleaned.length() > 254 ? null : cleaned.strip();
    }

    /** A directory account never signs in with a password of ours: its hash is of a secret nobody knows. */
    private String unusableHash() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return passwordEncoder.encode(Base64.getEncoder().encodeToString(secret));
    }

    private static void putChange(Map<String, Object> details, String field, Object before, Object after) {
        if (before == null ? after != null : !before.equals(after)) {
            details.put(field, Map.of("from", before == null ? "" : before, "to", after == null ? "" : after));
        }
    }
}
