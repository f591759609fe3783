package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.vaadin.flow.server.VaadinServlet;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserDirectory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

/** Login answers, login CSRF, health details, security headers, the session cookie and production mode, over HTTP. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LoginAndHeadersTest {

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    UserDirectory directory;
    @Autowired
    List<ServletRegistrationBean<?>> servletRegistrations;

    @Test
    void everyFailedLoginGetsTheSameAnswerInAboutTheSameTime() {
        TestAccounts.createReadyUser(accounts, "lena", "Locked-Lena-Passphrase", Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "wanda", "Wanda-Waits-For-Slides", Roles.PATHOLOGIST);
        TestAccounts.runAs("lena", Set.of(Roles.REVIEWER), () -> {
            for (int i = 0; i < 5; i++) {
                directory.verifyPassword("lena", "a-wrong-signature-password");
            }
            return null;
        });
        FormLoginClient browser = new FormLoginClient(port);
        browser.login("warm-up", "warm-up-password");
        List<Long> locked = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        List<Long> wrong = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // the locked account with its RIGHT password, an unknown name, an existing name with a wrong password
            locked.add(timedLogin(browser, "lena", "Locked-Lena-Passphrase"));
            unknown.add(timedLogin(browser, "nobody-" + i, "Some-Password-" + i));
            wrong.add(timedLogin(browser, "wanda", "not-wandas-password-" + i));
        }
        long lockedMedian = median(locked);
        long unknownMedian = median(unknown);
        long wrongMedian = median(wrong);
        System.out.printf("Failed-login answer times (median of 3, ms): locked account %d, unknown user %d, "
                + "wrong password %d%n", lockedMedian, unknownMedian, wrongMedian);
        // Before: locked answered in 6-17 ms against 70-270 ms; now every path does the same bcrypt work
        assertThat(lockedMedian).isGreaterThan(wrongMedian / 3);
        assertThat(unknownMedian).isGreaterThan(wrongMedian / 3);
    }

    private static long timedLogin(FormLoginClient browser, String username, String password) {
        String csrf = browser.csrfToken();
        long start = System.nanoTime();
        HttpResponse<String> answer = browser.postLogin(username, password, csrf);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(FormLoginClient.redirectTarget(answer)).as("%s", username).isEqualTo("/login?error");
        return millis;
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    @Test
    void theLoginFormIsCsrfProtected() {
        TestAccounts.createReadyUser(accounts, "cecil", "Cross-Site-Cecil-Passphrase", Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        browser.get("/login");
        HttpResponse<String> forged = browser.postLogin("cecil", "Cross-Site-Cecil-Passphrase", null);
        assertThat(forged.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongToken = browser.postLogin("cecil", "Cross-Site-Cecil-Passphrase", "bm90LXRoZS10b2tlbg");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> genuine = browser.login("cecil", "Cross-Site-Cecil-Passphrase");
        assertThat(FormLoginClient.redirectTarget(genuine)).doesNotContain("/login");
    }

    /**
     * Issue #24: the login form carried its CSRF token in the URL (logged by proxies, kept in the history, sent in
     * Referer headers). The page gives the form what it needs to post it in the body; a token in the URL is refused.
     */
    @Test
    void theLoginCsrfTokenTravelsInTheBodyNeverInTheUrl() {
        TestAccounts.createReadyUser(accounts, "bodo", "Body-Not-Query-Bodo", Roles.PATHOLOGIST);
        FormLoginClient browser = new FormLoginClient(port);
        String page = browser.get("/login").body();
        assertThat(page).contains("name=\"_csrf_parameter\"").contains("name=\"_csrf\"")
                .doesNotContain("login?_csrf");
        HttpResponse<String> inUrl = browser.postLoginWithTokenInUrl("bodo", "Body-Not-Query-Bodo", browser.csrfToken());
        assertThat(inUrl.statusCode()).isEqualTo(403);
        assertThat(FormLoginClient.redirectTarget(browser.login("bodo", "Body-Not-Query-Bodo"))).doesNotContain("/login");
    }

    @Test
    void healthDetailsAreForAdministratorsOnly() {
        TestAccounts.createReadyUser(accounts, "henry", "Healthy-Henry-Passphrase", Roles.PATHOLOGIST, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, "adelheid", "Admin-Adele-Passphrase", Roles.ADMIN);
        FormLoginClient pathologist = new FormLoginClient(port);
        pathologist.login("henry", "Healthy-Henry-Passphrase");
        String forPathologist = pathologist.get("/actuator/health", "application/json").body();
        assertThat(forPathologist).contains("\"status\":\"UP\"").doesNotContain("components")
                .doesNotContain("CUDA").doesNotContain("postgres").doesNotContain("activeModel");
        FormLoginClient admin = new FormLoginClient(port);
        admin.login("adelheid", "Admin-Adele-Passphrase");
        String forAdmin = admin.get("/actuator/health", "application/json").body();
        assertThat(forAdmin).contains("components").contains("inference").contains("activeModel");
    }

    @Test
    void pagesCarryTheSecurityHeadersAndTheSessionCookieIsSameSiteLax() {
        HttpResponse<String> login = new FormLoginClient(port).get("/login");
        assertThat(login.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'self'").contains("frame-ancestors 'self'").contains("object-src 'none'")
                .contains("connect-src 'self';").doesNotContain("ws:").doesNotContain("wss:"));
        assertThat(login.headers().firstValue("Referrer-Policy")).contains("same-origin");
        assertThat(login.headers().firstValue("Permissions-Policy")).hasValueSatisfying(p -> assertThat(p)
                .contains("camera=(self)"));
        assertThat(login.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly"));
    }

    @Test
    void theApplicationRunsInProductionMode() {
        VaadinServlet servlet = servletRegistrations.stream().map(ServletRegistrationBean::getServlet)
                .filter(VaadinServlet.class::isInstance).map(VaadinServlet.class::cast).findFirst().orElseThrow();
        assertThat(servlet.getService().getDeploymentConfiguration().isProductionMode()).isTrue();
        // no dev tools or Copilot for anyone, and a refused route does not list the routes
        String page = new FormLoginClient(port).get("/login").body();
        assertThat(page).doesNotContain("vaadin-dev-tools").doesNotContain("copilot");
    }
}
