package org.histoscope.users.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.security.Roles;
import org.histoscope.security.SecurityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.histoscope.platform.BeforeServing;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;
import org.histoscope.users.UserAuditAction;

/**
 * On a start with no accounts at all, creates the administrator "admin" so that someone can sign in. The password
 * comes from histoscope.security.initial-admin-password (HISTOSCOPE_ADMIN_PASSWORD) or is generated and printed
 * once to the log; either way it must be changed at the first login.
 */
@Component
@Unguarded("start-up creation of the first administrator, before anyone can sign in")
public class FirstAdministrator implements SmartLifecycle {

    public static final String USERNAME = "admin";
    private static final Logger log = LoggerFactory.getLogger(FirstAdministrator.class);
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    private final UserAccountRepository accounts;
    private final PasswordEncoder passwordEncoder;
    private final PasswordPolicy passwordPolicy;
    private final AuditService audit;
    private final SecurityProperties properties;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private volatile boolean done;

    FirstAdministrator(UserAccountRepository accounts, PasswordEncoder passwordEncoder, PasswordPolicy passwordPolicy,
                       AuditService audit, SecurityProperties properties, Clock clock,
                       PlatformTransactionManager transactions) {
        this.transaction = new TransactionTemplate(transactions);
        this.accounts = accounts;
        this.passwordEncoder = passwordEncoder;
        this.passwordPolicy = passwordPolicy;
        this.audit = audit;
        this.properties = properties;
        this.clock = clock;
    }

    /** Before the HTTP port opens (BeforeServing): the login page is never served while nobody can sign in. */
    @Override
    public void start() {
        transaction.executeWithoutResult(status -> createIfNoAccounts());
        done = true;
    }

    @Override
    public void stop() {
        done = false;
    }

    @Override
    public boolean isRunning() {
        return done;
    }

    @Override
    public int getPhase() {
        return BeforeServing.phase(BeforeServing.CREATE_FIRST_ADMINISTRATOR);
    }

    private void createIfNoAccounts() {
        if (accounts.count() > 0) {
            return;
        }
        String configured = properties.initialAdminPassword();
        boolean generated = configured == null || configured.isBlank();
        String password = generated ? randomPassword() : configured;
        List<String> problems = passwordPolicy.violations(USERNAME, password);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("HISTOSCOPE_ADMIN_PASSWORD (histoscope.security.initial-admin-password) "
                    + "does not meet the password policy: " + String.join(" ", problems));
        }
        UserAccount admin = new UserAccount(USERNAME, "Administrator", null, passwordEncoder.encode(password),
                java.util.Set.of(Roles.ADMIN), clock.instant(), "system");
        admin.setMustChangePassword(true);
        accounts.saveAndFlush(admin);
        audit.recordAs("system", UserAuditAction.FIRST_ADMIN_CREATED, "USER", USERNAME,
                Map.of("passwordSource", generated ? "generated" : "configured"));
        if (generated) {
            log.warn("""

                    ************************************************************************
                    *  FIRST START: created the administrator account.
                    *    user name: {}
                    *    password:  {}
                    *  This password is shown only this once. Sign in and you will be asked
                    *  to choose a new one. To set it yourself instead, start the first time
                    *  with HISTOSCOPE_ADMIN_PASSWORD (at least 12 characters).
                    ************************************************************************""",
                    USERNAME, password);
        } else {
            log.warn("FIRST START: created the administrator account '{}' with the password from "
                    + "HISTOSCOPE_ADMIN_PASSWORD; it must be changed at the first sign-in.", USERNAME);
        }
    }

    public static String randomPassword() {
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            if (i > 0 && i % 5 == 0) {
                password.append('-');
            }
            password.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return password.toString();
    }
}
