package org.histoscope.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/** Accounts on a real PostgreSQL behind the real login: first admin, persistence, lockout and unlock, rules. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AccountSecurityTest {

    private static final Set<String> ADMIN = Set.of(Roles.ADMIN);

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    UserDirectory directory;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.histoscope.security.LoginThrottle loginThrottle;
    @Autowired
    org.histoscope.audit.AuditService audit;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;

    @Test
    void theFirstAdministratorExistsMustChangeThePasswordAndWasAudited() {
        UserAccountSummary admin = asAdmin(() -> accounts.find("admin").orElseThrow());
        assertThat(admin.roles()).containsExactly(Roles.ADMIN);
        assertThat(admin.mustChangePassword()).isTrue();
        assertThat(jdbc.queryForObject("SELECT password_hash FROM app_user WHERE username = 'admin'", String.class))
                .startsWith("{bcrypt-sha256}$2");
        List<AuditEntry> events = asAdmin(() -> auditSearch.search(
                new AuditFilter(null, "FIRST_ADMIN_CREATED", null, null, null, null, null), 0, 10));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("system");
            assertThat(e.detailsJson()).contains("configured");
        });
    }

    @Test
    void aUsersLanguageIsTheirsToChooseAnAdministratorsToSetEvenForDirectoryAccountsAndIsAudited() {
        TestAccounts.createReadyUser(accounts, "lotte", "Choosing-Languages-Daily-7", Roles.REVIEWER);
        Set<String> reviewer = Set.of(Roles.REVIEWER);
        assertThat(TestAccounts.runAs("lotte", reviewer, accounts::ownLanguage)).isEmpty();
        TestAccounts.runAs("lotte", reviewer, () -> accounts.changeOwnLanguage(UserLanguage.GERMAN));
        assertThat(TestAccounts.runAs("lotte", reviewer, accounts::ownLanguage)).contains(UserLanguage.GERMAN);
        assertThat(jdbc.queryForObject("SELECT language FROM app_user WHERE username = 'lotte'", String.class))
                .isEqualTo("de");
        assertThat(asAdmin(() -> auditSearch.search(
                new AuditFilter("lotte", "LANGUAGE_CHANGED", "USER", "lotte", null, null, null), 0, 10)))
                .singleElement().satisfies(e -> assertThat(e.detailsJson()).contains("BROWSER", "GERMAN"));
        // choosing the same again changes and records nothing
        TestAccounts.runAs("lotte", reviewer, () -> accounts.changeOwnLanguage(UserLanguage.GERMAN));
        assertThat(asAdmin(() -> auditSearch.count(
                new AuditFilter(null, "LANGUAGE_CHANGED", "USER", "lotte", null, null, null)))).isEqualTo(1);

        // a directory account's name and roles are read-only here, its language is not
        jdbc.update("UPDATE app_user SET source = 'OIDC' WHERE username = 'lotte'");
        assertThat(asAdmin(() -> accounts.setLanguage("lotte", null)).language()).isNull();
        assertThat(TestAccounts.runAs("lotte", reviewer, accounts::ownLanguage)).isEmpty();
        assertThat(asAdmin(() -> auditSearch.search(
                new AuditFilter("test-admin", "LANGUAGE_CHANGED", "USER", "lotte", null, null, null), 0, 10)))
                .singleElement().satisfies(e -> assertThat(e.detailsJson()).contains("GERMAN", "BROWSER"));
        assertThatThrownBy(() -> TestAccounts.runAs("lotte", reviewer, () -> accounts.setLanguage("lotte",
                UserLanguage.ENGLISH))).isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
    }

    @Test
    void usersPersistWithTheirRolesAndAreFoundByTheDirectory() {
        TestAccounts.createReadyUser(accounts, "rita", "Reviewing-Slides-Daily-7", Roles.REVIEWER, Roles.PATHOLOGIST);
        assertThat(jdbc.queryForList("SELECT r.role FROM app_user_role r JOIN app_user u ON u.id = r.user_id "
                + "WHERE u.username = 'rita' ORDER BY r.role", String.class)).containsExactly("PATHOLOGIST", "REVIEWER");
        assertThat(asAdmin(() -> directory.printedName("RITA"))).contains("Dr Rita");
        assertThat(asAdmin(() -> directory.usersWithRole(Roles.REVIEWER))).extracting(UserDirectory.UserSummary::username)
                .contains("rita");
        assertThat(verifyAs("rita", "Reviewing-Slides-Daily-7")).isTrue();
        assertThat(asAdmin(() -> accounts.find("rita").orElseThrow()).mustChangePassword()).isFalse();
    }

    @Test
    void passphrasesLongerThanBcryptsSeventyTwoBytesWorkAndEveryCharacterCounts() {
        String passphrase = "Zürich histologie ünd Gewebeschnitte ".repeat(3) + "Ende";
        assertThat(passphrase.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(72);
        assertThat(passphrase.length()).isLessThanOrEqualTo(128);
        TestAccounts.createReadyUser(accounts, "zora", passphrase, Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(browser.login("zora", passphrase))).doesNotContain("/login");
        String differentAtTheEnd = passphrase.substring(0, passphrase.length() - 4) + "Ende!";
        assertThat(verifyAs("zora", differentAtTheEnd)).isFalse();
    }

    @Test
    void fiveFailedLoginsFromOneAddressPauseThatAddressButNeverLockTheAccount() {
        TestAccounts.createReadyUser(accounts, "larry", "Lymph-Node-Sections-4", Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> failed = browser.login("larry", "wrong-password-" + i);
            assertThat(FormLoginClient.redirectTarget(failed)).as("attempt %d", i).isEqualTo("/login?error");
        }
        // Nobody can lock a colleague out by failing logins on purpose: the account itself stays usable
        assertThat(asAdmin(() -> accounts.find("larry").orElseThrow()).locked()).isFalse();
        assertThat(verifyAs("larry", "Lymph-Node-Sections-4")).isTrue();
        // Tries refused as too soon after a failure (1, 2, 4, 8 s) do not count; count the rest of the five here,
        // from the address the server saw, instead of waiting for the delays
        String address = asAdmin(() -> auditSearch.search(
                new AuditFilter(null, "LOGIN_FAILED", "USER", "larry", null, null, null), 0, 1)).get(0).clientAddress();
        assertThat(address).isNotBlank();
        for (int i = 0; i < 5; i++) {
            loginThrottle.failed(address, "larry");
        }

        // ... but this address may not try larry's account again for a while, even with the right password,
        // and is told exactly what any failed login is told
        HttpResponse<String> refused = browser.login("larry", "Lymph-Node-Sections-4");
        assertThat(FormLoginClient.redirectTarget(refused)).isEqualTo("/login?error");

        asAdmin(() -> accounts.unlock("larry"));
        HttpResponse<String> accepted = browser.login("larry", "Lymph-Node-Sections-4");
        assertThat(accepted.statusCode()).isEqualTo(302);
        assertThat(FormLoginClient.redirectTarget(accepted)).doesNotContain("/login");

        List<AuditEntry> events = asAdmin(() -> auditSearch.search(
                new AuditFilter(null, null, "USER", "larry", null, null, null), 0, 100));
        List<String> actions = events.stream().map(AuditEntry::action).toList();
        assertThat(actions).contains("LOGIN_FAILED", "ACCOUNT_UNLOCKED", "LOGIN_SUCCEEDED").doesNotContain("ACCOUNT_LOCKED");
        assertThat(actions.stream().filter("LOGIN_FAILED"::equals).count()).isGreaterThanOrEqualTo(6);
        assertThat(events).filteredOn(e -> e.action().equals("LOGIN_FAILED"))
                .anyMatch(e -> e.detailsJson().contains("throttled"));
    }

    @Test
    void failedPasswordReverificationCountsTowardsTheLockout() {
        TestAccounts.createReadyUser(accounts, "sigrid", "Signing-Out-Cases-Today", Roles.REVIEWER);
        for (int i = 0; i < 5; i++) {
            assertThat(verifyAs("sigrid", "not-my-password")).isFalse();
        }
        assertThat(asAdmin(() -> accounts.find("sigrid").orElseThrow()).locked()).isTrue();
        assertThat(verifyAs("sigrid", "Signing-Out-Cases-Today")).isFalse();
    }

    @Test
    void aFailedReverificationInsideAnAuditedTransactionCountsWithoutWaitingForItself() {
        TestAccounts.createReadyUser(accounts, "verena", "Verifying-Before-Signing", Roles.REVIEWER);
        long started = System.nanoTime();
        transactions.executeWithoutResult(status -> {
            audit.record(UserAuditAction.USER_UPDATED, "USER", "verena", java.util.Map.of("step", "before signing"));
            assertThat(verifyAs("verena", "not-the-password")).isFalse();
        });
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(20));
        assertThat(jdbc.queryForObject("SELECT failed_attempts FROM app_user WHERE username = 'verena'", Integer.class))
                .isEqualTo(1);
    }

    @Test
    void disablingOrResettingAUserEndsTheSessionsTheyHaveOpen() {
        TestAccounts.createReadyUser(accounts, "dora", "Disabled-During-Session", Roles.PATHOLOGIST);
        FormLoginClient first = new FormLoginClient(port);
        FormLoginClient second = new FormLoginClient(port);
        first.login("dora", "Disabled-During-Session");
        second.login("dora", "Disabled-During-Session");
        assertThat(first.get("/").statusCode()).isEqualTo(200);
        assertThat(second.get("/").statusCode()).isEqualTo(200);

        asAdmin(() -> accounts.resetPassword("dora", "Temporary-Reset-Passphrase"));
        HttpResponse<String> afterReset = first.get("/");
        assertThat(afterReset.statusCode()).isEqualTo(302);
        assertThat(FormLoginClient.redirectTarget(afterReset)).isEqualTo("/login");

        FormLoginClient third = new FormLoginClient(port);
        third.login("dora", "Temporary-Reset-Passphrase");
        assertThat(third.get("/").statusCode()).isEqualTo(200);
        asAdmin(() -> accounts.setEnabled("dora", false));
        assertThat(FormLoginClient.redirectTarget(third.get("/"))).isEqualTo("/login");
        assertThat(FormLoginClient.redirectTarget(second.get("/"))).isEqualTo("/login");
    }

    /** Issue #24 (ASVS 7.4.3): a user's other sessions survived their own password change. */
    @Test
    void changingTheOwnPasswordEndsTheUsersOtherSessionsButNotTheOneItWasMadeIn() {
        TestAccounts.createReadyUser(accounts, "paula", "Paula-Changes-Her-Secret", Roles.PATHOLOGIST);
        FormLoginClient here = new FormLoginClient(port);
        FormLoginClient stolen = new FormLoginClient(port);
        here.login("paula", "Paula-Changes-Her-Secret");
        stolen.login("paula", "Paula-Changes-Her-Secret");
        assertThat(here.get("/").statusCode()).isEqualTo(200);
        assertThat(stolen.get("/").statusCode()).isEqualTo(200);

        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setSession(new MockHttpSession(null, here.sessionId()));
        RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
        try {
            TestAccounts.runAs("paula", Set.of(Roles.PATHOLOGIST), () -> {
                accounts.changeOwnPassword("Paula-Changes-Her-Secret", "Paula-Chose-Another-Secret");
                return null;
            });
        } finally {
            RequestContextHolder.resetRequestAttributes();
        }
        assertThat(FormLoginClient.redirectTarget(stolen.get("/"))).isEqualTo("/login");
        assertThat(here.get("/").statusCode()).as("the session the change was made in").isEqualTo(200);
    }

    /**
     * Issue #24: {@code admın} (dotless i) signed in as {@code admin} (the database's upper() maps ı to I) but was
     * throttled as another name. A name is now normalised once (NFKC, lower case) for sign-in and throttle alike.
     */
    @Test
    void aLookAlikeNameIsAnotherNameButACompatibilityFormIsTheSame() {
        TestAccounts.createReadyUser(accounts, "ingrid", "Ingrid-Signs-In-Daily", Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(browser.login("\u0131ngr\u0131d", "Ingrid-Signs-In-Daily")))
                .isEqualTo("/login?error");
        assertThat(asAdmin(() -> accounts.find("\u0131ngr\u0131d"))).isEmpty();
        FormLoginClient fullWidth = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(fullWidth.login("\uFF29\uFF2E\uFF27\uFF32\uFF29\uFF24 ",
                "Ingrid-Signs-In-Daily"))).doesNotContain("/login");
    }

    @Test
    void administrationRulesAreEnforcedByTheService() {
        TestAccounts.createReadyUser(accounts, "ada", "Administering-Histoscope-1", Roles.ADMIN);
        TestAccounts.runAs("ada", ADMIN, () -> {
            assertThatThrownBy(() -> accounts.setEnabled("ada", false))
                    .isInstanceOf(UserAdministrationException.class).hasMessageContaining("your own account");
            assertThatThrownBy(() -> accounts.update("ada",
                    new UserAccountService.UserChanges("Ada", null, Set.of(Roles.PATHOLOGIST))))
                    .isInstanceOf(UserAdministrationException.class).hasMessageContaining("own administrator role");
            assertThatThrownBy(() -> accounts.create(new UserAccountService.NewUser("ADA", "Other Ada", null,
                    Set.of(Roles.REVIEWER), "Another-Long-Passphrase")))
                    .isInstanceOf(UserAdministrationException.class).hasMessageContaining("already exists");
            assertThatThrownBy(() -> accounts.create(new UserAccountService.NewUser("bob", "Bob", null,
                    Set.of(Roles.REVIEWER), "short")))
                    .isInstanceOf(PasswordPolicyViolation.class).hasMessageContaining("at least 12");
            assertThatThrownBy(() -> accounts.create(new UserAccountService.NewUser("bob", "Bob", null,
                    Set.of(), "Another-Long-Passphrase")))
                    .isInstanceOf(UserAdministrationException.class).hasMessageContaining("at least one role");

            UserAccountSummary bob = accounts.create(new UserAccountService.NewUser("bob", "Bob Builder",
                    "bob@example.org", Set.of(Roles.REVIEWER), "Another-Long-Passphrase"));
            assertThat(bob.mustChangePassword()).isTrue();
            assertThat(accounts.setEnabled("bob", false).enabled()).isFalse();
            assertThat(accounts.update("bob", new UserAccountService.UserChanges("Bob Builder", null,
                    Set.of(Roles.REVIEWER, Roles.PATHOLOGIST))).roles())
                    .containsExactlyInAnyOrder(Roles.REVIEWER, Roles.PATHOLOGIST);
            return null;
        });
        FormLoginClient browser = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(browser.login("bob", "Another-Long-Passphrase")))
                .isEqualTo("/login?error");
    }

    @Test
    void changingTheOwnPasswordChecksTheCurrentOneAndThePolicy() {
        TestAccounts.createReadyUser(accounts, "carl", "Carl-Counts-Mitoses", Roles.PATHOLOGIST);
        TestAccounts.runAs("carl", Set.of(Roles.PATHOLOGIST), () -> {
            assertThatThrownBy(() -> accounts.changeOwnPassword("wrong", "A-Brand-New-Passphrase"))
                    .hasMessageContaining("current password is not correct");
            assertThatThrownBy(() -> accounts.changeOwnPassword("Carl-Counts-Mitoses", "carl"))
                    .isInstanceOf(PasswordPolicyViolation.class);
            accounts.changeOwnPassword("Carl-Counts-Mitoses", "A-Brand-New-Passphrase");
            return null;
        });
        assertThat(verifyAs("carl", "A-Brand-New-Passphrase")).isTrue();
        assertThat(verifyAs("carl", "Carl-Counts-Mitoses")).isFalse();
    }

    /** A password re-check (as for a signature), which only the signed-in user may ask for their own account. */
    private boolean verifyAs(String username, String password) {
        return TestAccounts.runAs(username, Set.of(Roles.REVIEWER), () -> directory.verifyPassword(username, password));
    }

    @Test
    void theOwnPasswordChangeHonoursTheLockout() {
        TestAccounts.createReadyUser(accounts, "olga", "Olga-Orders-Stains", Roles.PATHOLOGIST);
        for (int i = 0; i < 5; i++) {
            assertThat(verifyAs("olga", "not-my-password")).isFalse();
        }
        assertThat(asAdmin(() -> accounts.find("olga").orElseThrow()).locked()).isTrue();
        // With the right current password the change is still refused while the account is locked
        assertThatThrownBy(() -> TestAccounts.runAs("olga", Set.of(Roles.PATHOLOGIST), () -> {
            accounts.changeOwnPassword("Olga-Orders-Stains", "A-Passphrase-Chosen-While-Locked");
            return null;
        })).isInstanceOf(UserAdministrationException.class).hasMessageContaining("locked");
        assertThat(asAdmin(() -> accounts.find("olga").orElseThrow()).locked()).isTrue();
    }

    @Test
    void aSignedInUserMayNotCheckSomeoneElsesPassword() {
        TestAccounts.createReadyUser(accounts, "mallory", "Mallory-Wants-In-Too", Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, "victim", "Victims-Own-Passphrase", Roles.REVIEWER);
        assertThatThrownBy(() -> TestAccounts.runAs("mallory", Set.of(Roles.REVIEWER),
                () -> directory.verifyPassword("victim", "Victims-Own-Passphrase")))
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
    }

    @Test
    void userSearchTreatsPercentAndUnderscoreLiterally() {
        TestAccounts.createReadyUser(accounts, "a_b.user", "Underscore-In-The-Name", Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "axb.user", "No-Underscore-In-Name", Roles.PATHOLOGIST);
        assertThat(asAdmin(() -> accounts.search("a_b", 0, 50))).extracting(UserAccountSummary::username)
                .contains("a_b.user").doesNotContain("axb.user");
        assertThat(asAdmin(() -> accounts.search("%", 0, 50))).isEmpty();
    }

    private static <T> T asAdmin(java.util.function.Supplier<T> work) {
        return TestAccounts.runAs("test-admin", ADMIN, work);
    }
}
