package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.histoscope.api.ApiContractTest.assertProblem;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.tokens.ApiTokenRejectedException;
import org.histoscope.tokens.ApiTokenSummary;
import org.histoscope.tokens.IssuedApiToken;
import org.histoscope.tokens.NewApiToken;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.access.AccessDeniedException;

/** Who may call the API: bearer tokens only, their roles, expiry, revocation, rate limit, and an audit of every use. */
class ApiSecurityTest extends ApiTestContext {

    private static final String PASSWORD = "Security-Test-Password-2026";

    @Autowired
    UserAccountService accounts;
    @Autowired
    org.histoscope.audit.AuditService audit;
    @Autowired
    org.springframework.transaction.support.TransactionTemplate transactions;
    @Autowired
    io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;
    @Autowired
    com.zaxxer.hikari.HikariDataSource pool;

    @Test
    void withoutAValidTokenTheApiAnswers401() {
        ApiHttp.Response none = new ApiHttp(port, null).get("/api/v1/cases");
        assertProblem(none, 401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertProblem(new ApiHttp(port, "hsk_not-a-real-token").get("/api/v1/cases"), 401);
        assertProblem(new ApiHttp(port, null).get("/api/v1/cases", "Authorization", "Basic YWRtaW46YWRtaW4="), 401);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'API_TOKEN_REJECTED' AND details ->> 'reason' = 'unknown'"))
                .isPositive();
    }

    @Test
    void aRevokedOrExpiredTokenGets401() throws Exception {
        IssuedApiToken revoked = issue("revoked", 100, Roles.PATHOLOGIST);
        ApiHttp client = new ApiHttp(port, revoked.secret());
        assertThat(client.get("/api/v1/cases").status()).isEqualTo(200);
        asAdmin(() -> tokens.revoke(revoked.token().id()));
        ApiHttp.Response afterRevoke = client.get("/api/v1/cases");
        assertProblem(afterRevoke, 401);
        assertThat(afterRevoke.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");

        IssuedApiToken shortLived = asAdmin(() -> tokens.create(new NewApiToken("short-lived-" + System.nanoTime(),
                Set.of(Roles.PATHOLOGIST), Instant.now().plusSeconds(2), 100)));
        ApiHttp expiring = new ApiHttp(port, shortLived.secret());
        assertThat(expiring.get("/api/v1/cases").status()).isEqualTo(200);
        await("the token to expire", Duration.ofSeconds(10), () -> Instant.now().isAfter(shortLived.token().expiresAt()));
        assertProblem(expiring.get("/api/v1/cases"), 401);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'API_TOKEN_REJECTED' AND details ->> 'name' = ?",
                shortLived.token().name())).isOne();
    }

    @Test
    void aTokenWithoutTheRoleGets403() {
        assertProblem(client(Roles.PATHOLOGIST).get("/api/v1/audit/events"), 403);
        assertProblem(client(Roles.PATHOLOGIST).get("/api/v1/audit/verification"), 403);
        assertProblem(client(Roles.REVIEWER).postJson("/api/v1/patients", Map.of("mrn", "R-1", "fullName", "R",
                "dateOfBirth", "1970-01-01", "sex", "MALE")), 403);
        // administrators read cases (they reassign them) but do not create patients
        assertProblem(client(Roles.ADMIN).postJson("/api/v1/patients", Map.of("mrn", "R-1", "fullName", "R",
                "dateOfBirth", "1970-01-01", "sex", "MALE")), 403);
        assertThat(count("SELECT count(*) FROM patient WHERE mrn = 'R-1'")).isZero();
    }

    @Test
    void aSessionCookieAloneDoesNotOpenTheApiAndATokenDoesNotOpenTheUi() {
        TestAccounts.createReadyUser(accounts, "sessionpat", PASSWORD, Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        assertThat(FormLoginClient.redirectTarget(browser.login("sessionpat", PASSWORD))).doesNotContain("error");
        assertThat(browser.get("/cases").statusCode()).isEqualTo(200);
        HttpResponse<String> api = browser.get("/api/v1/cases", "application/json");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");

        ApiHttp.Response ui = new ApiHttp(port, issue("ui", 100, Roles.PATHOLOGIST, Roles.ADMIN).secret())
                .get("/admin/users", "Accept", "text/html");
        assertThat(ui.status()).isEqualTo(302);
        assertThat(ui.headers().firstValue("Location").orElse("")).endsWith("/login");
        assertThat(browser.get("/v3/api-docs", "application/json").statusCode()).isEqualTo(403);
        assertThat(FormLoginClient.redirectTarget(new FormLoginClient(port).get("/swagger-ui/index.html"))).isEqualTo("/login");
    }

    @Test
    void requestsBeyondTheTokensBudgetGet429WithRetryAfter() {
        ApiHttp client = new ApiHttp(port, issue("limited", 3, Roles.PATHOLOGIST).secret());
        for (int i = 0; i < 3; i++) {
            assertThat(client.get("/api/v1/cases").status()).isEqualTo(200);
        }
        ApiHttp.Response limited = client.get("/api/v1/cases");
        assertProblem(limited, 429);
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
    }

    /**
     * Issue #28: fifty clients' requests each recorded their use in a transaction of their own that waited for the
     * audit chain's lock while holding a pooled connection, so any audited transaction left open starved the pool
     * and unrelated reads waited seconds. Now the uses are appended in batches by one writer: while an unrelated
     * transaction holds the chain's lock, three pools' worth of token requests leave the pool free for others, and
     * every use is still in the chain once the lock is released.
     */
    @Test
    void tokenUsesWaitingForTheAuditChainDoNotHoldTheConnectionPool() throws Exception {
        IssuedApiToken issued = issue("concurrent", 10_000, Roles.PATHOLOGIST);
        String actor = "api:" + issued.token().name();
        int requests = 3 * pool.getMaximumPoolSize();
        java.util.concurrent.CountDownLatch chainLocked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(requests + 1);
        try (java.sql.Connection observer = postgres.getPostgresDatabase().getConnection()) {
            // an audited change whose transaction stays open: it holds the chain's lock until it ends
            threads.submit(() -> transactions.executeWithoutResult(status -> {
                audit.record(() -> "TEST_LONG_CHANGE", "test", "open", Map.of());
                chainLocked.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(chainLocked.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < requests; i++) {
                answers.add(threads.submit(() -> new ApiHttp(port, issued.secret()).get("/api/v1/cases").status()));
            }
            await("a token use waiting for the chain's lock", Duration.ofSeconds(30),
                    () -> chainLockWaiters(observer) >= 1);
            long before = System.nanoTime();
            Integer unrelated = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> jdbc.queryForObject("SELECT 1", Integer.class)).get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(unrelated).isOne();
            // without the batch writer every request holds a pooled connection while it waits (9 of 10 here); the
            // writer is one waiter, and a background job of an earlier test in this shared context may add another
            assertThat(chainLockWaiters(observer)).as("connections waiting for the audit chain's lock")
                    .isBetween(1L, 3L);
            assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(2));
            release.countDown();
            for (java.util.concurrent.Future<Integer> answer : answers) {
                assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            release.countDown();
            threads.shutdown();
        }
        await("every use in the audit log", Duration.ofSeconds(30), () -> count("SELECT count(*) FROM audit_event "
                + "WHERE action = 'API_TOKEN_USED' AND actor = ?", actor) == requests);
        assertThat(asAdmin(() -> audit.verifyChain()).intact()).isTrue();
    }

    private static long chainLockWaiters(java.sql.Connection observer) {
        try (java.sql.Statement query = observer.createStatement();
             java.sql.ResultSet rows = query.executeQuery(
                     "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyUseIsAuditedWithTheTokensName() throws Exception {
        IssuedApiToken issued = issue("audited", 4, Roles.PATHOLOGIST);
        ApiHttp client = new ApiHttp(port, issued.secret());
        List<Integer> statuses = List.of(
                client.postJson("/api/v1/patients", Map.of("mrn", "AUD-" + issued.token().id(), "fullName", "Audit Me",
                        "dateOfBirth", "1970-01-01", "sex", "OTHER")).status(),
                client.get("/api/v1/cases/987654321").status(),
                client.get("/api/v1/audit/events").status(),
                client.get("/api/v1/cases").status(),
                client.get("/api/v1/cases").status());
        assertThat(statuses).containsExactly(201, 404, 403, 200, 429);
        String actor = "api:" + issued.token().name();
        // a use is recorded once its final status is known, i.e. just after the answer has gone out
        await("the five uses in the audit log", Duration.ofSeconds(10), () -> count("SELECT count(*) FROM audit_event "
                + "WHERE action = 'API_TOKEN_USED' AND actor = ?", actor) == 5);
        assertThat(jdbc.queryForList("SELECT (details ->> 'status')::int FROM audit_event WHERE action = 'API_TOKEN_USED' "
                + "AND actor = ? AND details ->> 'token' = ? ORDER BY id", Integer.class, actor, issued.token().name()))
                .containsExactlyElementsOf(statuses);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'PATIENT_CREATED' AND actor = ?", actor)).isOne();
        ApiTokenSummary listed = asAdmin(() -> tokens.list()).stream().filter(t -> t.id() == issued.token().id())
                .findFirst().orElseThrow();
        assertThat(listed.lastUsedAt()).isNotNull();
        assertThat(count("SELECT count(*) FROM api_token WHERE secret_sha256 = ? OR secret_prefix = ?",
                issued.secret(), issued.secret())).isZero();
    }

    @Test
    void onlyAdministratorsManageTokensAndBadRequestsAreRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestAccounts.runAs("pat", Set.of(Roles.PATHOLOGIST),
                () -> tokens.list())).isInstanceOf(AccessDeniedException.class);
        IssuedApiToken first = issue("unique", 10, Roles.PATHOLOGIST);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asAdmin(() -> tokens.create(new NewApiToken(
                first.token().name().toUpperCase(), Set.of(Roles.PATHOLOGIST), Instant.now().plusSeconds(60), 10))))
                .isInstanceOf(ApiTokenRejectedException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asAdmin(() -> tokens.create(new NewApiToken(
                "past", Set.of(Roles.PATHOLOGIST), Instant.now().minusSeconds(1), 10))))
                .isInstanceOf(ApiTokenRejectedException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> asAdmin(() -> tokens.create(new NewApiToken(
                "root", Set.of("ROOT"), Instant.now().plusSeconds(60), 10))))
                .isInstanceOf(ApiTokenRejectedException.class);
    }

    private static <T> T asAdmin(java.util.function.Supplier<T> work) {
        return TestAccounts.runAs("token-admin", Set.of(Roles.ADMIN), work);
    }
}
