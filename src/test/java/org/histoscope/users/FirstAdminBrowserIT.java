package org.histoscope.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The first start as a person sees it in Chromium: the first administrator signs in with the configured
 * password, is made to change it, creates a pathologist, signs out; the pathologist must change the initial
 * password too and is refused the administration view. Also saves screenshots of the login, user and audit
 * views (target/screenshots, or -Dhistoscope.screenshot-dir=docs/screenshots to refresh the documentation).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"histoscope.security.initial-admin-password=" + FirstAdminBrowserIT.INITIAL_ADMIN_PASSWORD,
                // keeps the development-mode pop-up out of the screenshots
                "vaadin.devmode.devTools.enabled=false"})
class FirstAdminBrowserIT {

    static final String INITIAL_ADMIN_PASSWORD = "First-Start-Admin-Passphrase";
    private static final String NEW_ADMIN_PASSWORD = "Admin-Chose-This-Passphrase";
    private static final String PATHOLOGIST_INITIAL = "Initial-Pathologist-Passphrase";
    private static final String PATHOLOGIST_OWN = "Pathologist-Own-Passphrase";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));

    @LocalServerPort
    int port;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    UserAccountService accounts;

    @Test
    void firstAdministratorSetsUpAPathologistWhoCannotAdminister() {
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);

            page.open("/login");
            page.waitFor(By.cssSelector("vaadin-login-form"));
            browser.screenshot(SCREENSHOTS.resolve("login.png"));

            page.login("admin", INITIAL_ADMIN_PASSWORD);
            page.waitForPath("/account/password");
            assertThat(page.byId("forced-password-change").getText()).contains("must choose a new password");
            page.open("/admin/users");
            page.waitForPath("/account/password");

            changePassword(page, INITIAL_ADMIN_PASSWORD, NEW_ADMIN_PASSWORD);

            page.open("/admin/users");
            page.click("new-user");
            page.type("form-username", "pat");
            page.type("form-fullname", "Pat Hologist");
            page.type("form-email", "pat@example.org");
            page.check("form-roles", "Pathologist");
            page.type("form-password", PATHOLOGIST_INITIAL);
            page.type("form-password-confirm", PATHOLOGIST_INITIAL);
            page.click("form-save");
            page.waitForText("Pat Hologist");
            page.waitForText("Must change password");
            browser.screenshot(SCREENSHOTS.resolve("admin-users.png"));

            page.open("/audit");
            page.click("audit-verify");
            page.waitForText("Audit chain intact");
            assertThat(page.bodyText()).contains("USER_CREATED", "PASSWORD_CHANGED", "FIRST_ADMIN_CREATED");
            browser.screenshot(SCREENSHOTS.resolve("audit.png"));
            String csv = fetchInBrowser(browser, page.byId("audit-export").getAttribute("href"));
            assertThat(csv).startsWith("id,occurred_at_utc,actor,action").contains(",admin,USER_CREATED,USER,pat,");

            page.logout();
            assertThat(TestAccounts.runAs("auditor", Set.of(Roles.REVIEWER), () -> auditSearch.search(
                    new AuditFilter("admin", "LOGOUT", null, null, null, null, null), 0, 5))).hasSize(1);
            page.login("pat", PATHOLOGIST_INITIAL);
            page.waitForPath("/account/password");
            changePassword(page, PATHOLOGIST_INITIAL, PATHOLOGIST_OWN);

            page.open("/admin/users");
            browser.screenshot(SCREENSHOTS.resolve("refused-admin-view.png"));
            assertThat(browser.driver().findElements(By.id("users-grid"))).isEmpty();
            assertThat(browser.driver().findElements(By.id("new-user"))).isEmpty();
            assertThat(page.bodyText()).doesNotContain("Pat Hologist").doesNotContain("New user")
                    .contains("Could not navigate to 'admin/users'");
            assertThat(browser.driver().findElements(By.cssSelector("vaadin-side-nav-item[path='admin/users']")))
                    .isEmpty();
        }
    }

    @Test
    void aWrongPasswordAndAnUnknownNameGetTheSameAnswer() {
        TestAccounts.createReadyUser(accounts, "lena", "Known-Pathologist-Lena", Roles.PATHOLOGIST);
        // uniform answers (ASVS V6.3): the page never says whether the name exists or is locked
        assertThat(failedLoginAnswer("lena", "not-her-password"))
                .isEqualTo(failedLoginAnswer("nobody-of-that-name", "not-her-password"))
                .startsWith("true ").doesNotContainIgnoringCase("locked");
    }

    private String failedLoginAnswer(String username, String password) {
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.open("/login");
            page.waitFor(By.cssSelector("vaadin-login-form input[name='username']")).sendKeys(username);
            browser.driver().findElement(By.cssSelector("vaadin-login-form input[name='password']"))
                    .sendKeys(password, org.openqa.selenium.Keys.ENTER);
            new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), VaadinPage.TIMEOUT)
                    .until(d -> d.getCurrentUrl().endsWith("/login?error"));
            page.waitForVaadin();
            Object shown = ((JavascriptExecutor) browser.driver()).executeScript("""
                    const form = document.querySelector('vaadin-login-form');
                    return form.error + ' ' + form.i18n.errorMessage.title + ': ' + form.i18n.errorMessage.message;""");
            return String.valueOf(shown);
        }
    }

    /** Downloads a same-origin URL with the browser's session cookie and returns the body text. */
    private static String fetchInBrowser(BrowserSession browser, String url) {
        Object text = ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('ERROR ' + e));""",
                url);
        return String.valueOf(text);
    }

    private static void changePassword(VaadinPage page, String current, String replacement) {
        page.type("current-password", current);
        page.type("new-password", replacement);
        page.type("confirm-password", replacement);
        page.click("change-password");
        page.waitForPath("/");
    }
}
