package org.histoscope.users;

import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditAppendLock;
import org.histoscope.audit.AuditService;
import org.histoscope.security.SecurityProperties;
import org.histoscope.users.internal.AuthenticationAuditListener;
import org.histoscope.users.internal.UserAccount;
import org.histoscope.users.internal.UserAccountRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts consecutive failed password checks per account and locks the account for a while after too many.
 * Fed by {@link AuthenticationAuditListener} (logins) and by password re-verification (signatures), so both
 * paths share one counter. Failures while locked are recorded but do not extend the lock.
 */
@Service
@PermitAll // fed by the login flow, before anyone is signed in; package-private, so other features cannot reach it
public class LoginAttempts {

    private static final Logger log = LoggerFactory.getLogger(LoginAttempts.class);
    public static final String ANONYMOUS = "anonymous";

    private final UserAccountRepository accounts;
    private final AuditService audit;
    private final SecurityProperties.Lockout lockout;
    private final Clock clock;
    private final TransactionTemplate joining;
    private final TransactionTemplate separate;

    LoginAttempts(UserAccountRepository accounts, AuditService audit, SecurityProperties properties,
                  PlatformTransactionManager transactionManager, Clock clock) {
        this.joining = new TransactionTemplate(transactionManager);
        this.separate = new TransactionTemplate(transactionManager);
        this.separate.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.accounts = accounts;
        this.audit = audit;
        this.lockout = properties.lockout();
        this.clock = clock;
    }

    /**
     * Runs in its own transaction so that a refusal the caller then rolls back still counts, unless the caller's
     * transaction already holds the audit append lock; then it joins that transaction (a separate one would wait
     * for the caller's lock forever).
     */
    public void failed(String attemptedUsername, UserAuditAction action, String reason) {
        TransactionTemplate transaction = AuditAppendLock.heldByCurrentTransaction() ? joining : separate;
        transaction.executeWithoutResult(status -> countFailure(attemptedUsername, action, reason));
    }

    private void countFailure(String attemptedUsername, UserAuditAction action, String reason) {
        Optional<UserAccount> found = accounts.findForUpdate(attemptedUsername == null ? "" : attemptedUsername);
        if (found.isEmpty()) {
            audit.recordAs(ANONYMOUS, action, "USER", clip(attemptedUsername), Map.of("reason", "unknown user"));
            return;
        }
        UserAccount account = found.get();
        Instant now = clock.instant();
        if (account.isLockedAt(now)) {
            audit.recordAs(account.getUsername(), action, "USER", account.getUsername(),
                    Map.of("reason", "account locked", "lockedUntil", account.getLockedUntil().toString()));
            return;
        }
        if (account.getLockedUntil() != null) {
            // An expired lock starts a fresh count
            account.setLockedUntil(null);
            account.setFailedAttempts(0);
        }
        int failures = account.getFailedAttempts() + 1;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("consecutiveFailures", failures);
        audit.recordAs(account.getUsername(), action, "USER", account.getUsername(), details);
        if (failures >= lockout.maxFailures()) {
            Instant until = now.plus(lockout.duration());
            account.setLockedUntil(until);
            account.setFailedAttempts(0);
            log.warn("Account '{}' locked until {} after {} failed password checks", account.getUsername(), until,
                    failures);
            audit.recordAs("system", UserAuditAction.ACCOUNT_LOCKED, "USER", account.getUsername(),
                    Map.of("lockedUntil", until.toString(), "failures", failures));
        } else {
            account.setFailedAttempts(failures);
        }
    }

    /**
     * A sign-in, by whichever source. While a directory is configured, a local account's sign-in is the emergency
     * (break-glass) access and is recorded as such too.
     */
    @Transactional
    public void succeeded(String username, boolean directoryConfigured) {
        accounts.findForUpdate(username).ifPresent(account -> {
            account.setFailedAttempts(0);
            account.setLockedUntil(null);
            audit.recordAs(account.getUsername(), UserAuditAction.LOGIN_SUCCEEDED, "USER", account.getUsername(),
                    Map.of("source", account.getSource().name()));
            if (directoryConfigured && account.getSource() == AccountSource.LOCAL) {
                log.warn("Local account '{}' signed in while directory sign-in is configured (break-glass)",
                        account.getUsername());
                audit.recordAs(account.getUsername(), UserAuditAction.BREAK_GLASS_LOGIN, "USER",
                        account.getUsername(), Map.of("roles", java.util.List.copyOf(account.getRoles())));
            }
        });
    }

    public static String clip(String s) {
        return s == null ? "" : s.length() <= 64 ? s : s.substring(0, 64);
    }
}
