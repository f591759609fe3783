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
