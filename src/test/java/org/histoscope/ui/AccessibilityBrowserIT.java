package org.histoscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.AxeCheck;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * axe-core on every main view, as each role sees it with real data (a case with a patch result): no violation of
 * impact serious or critical. All views are checked before the test fails, so one run lists everything.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class AccessibilityBrowserIT {

    private static final String PASSWORD = "Axe-Passphrase-2026";
    private static final Path IDC = Path.of("src/test/resources/journeys/idc-9290-class1.png").toAbsolutePath();

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;

    private final Map<String, List<AxeCheck.Violation>> found = new LinkedHashMap<>();

    @Test
    void everyMainViewHasNoSeriousOrCriticalViolations() {
        TestAccounts.createReadyUser(accounts, "ada11y", PASSWORD, Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "rex11y", PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, "adm11y", PASSWORD, Roles.ADMIN);
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.open("/login");
            check(page, "login");
            theCheckFindsAnImageWithoutText(page);

            page.login("ada11y", PASSWORD);
            check(page, "home (pathologist)");
            String caseId = createCaseWithPatch(page);
            check(page, "case detail");
            String resultHref = page.driver().findElements(By.cssSelector("#job-grid a.result-link")).get(0)
                    .getAttribute("href").replaceFirst("^https?://[^/]+", "");
            visit(page, resultHref, "result");
            visit(page, "/cases", "cases");
            visit(page, "/patients", "patients");
            visit(page, "/case-reports/" + caseId, "case reports");
            visit(page, "/finalize/" + caseId, "finalize (pathologist)");
            visit(page, "/account/password", "change password");
            page.logout();

            page.login("rex11y", PASSWORD);
            check(page, "home (reviewer)");
            visit(page, "/review", "review queue");
            visit(page, "/review/sign/" + resultHref.substring(resultHref.lastIndexOf('/') + 1), "review form");
            visit(page, "/review/case/" + caseId, "case sign-out");
            page.logout();

            page.login("adm11y", PASSWORD);
            check(page, "home (admin)");
            visit(page, "/admin/users", "users");
            visit(page, "/admin/models", "models");
            visit(page, "/admin/status", "system status");
            visit(page, "/admin/api-tokens", "API tokens");
            visit(page, "/admin/lis-messages", "LIS messages");
            visit(page, "/admin/pixel-size", "department pixel size");
            visit(page, "/audit", "audit log");
        }
        assertThat(found).as("serious or critical axe-core violations per view").isEmpty();
    }

    /** The check itself can fail: an image without a text alternative is a critical violation. */
    private static void theCheckFindsAnImageWithoutText(VaadinPage page) {
        JavascriptExecutor js = (JavascriptExecutor) page.driver();
        js.executeScript("const probe = document.createElement('img'); probe.id = 'axe-probe';"
                + " probe.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.body.appendChild(probe);");
        assertThat(AxeCheck.seriousViolations(page)).extracting(AxeCheck.Violation::rule).contains("image-alt");
        js.executeScript("document.getElementById('axe-probe').remove();");
    }

    private void visit(VaadinPage page, String path, String view) {
        page.open(path);
        check(page, view);
    }

    private void check(VaadinPage page, String view) {
        List<AxeCheck.Violation> violations = AxeCheck.seriousViolations(page);
        if (!violations.isEmpty()) {
            found.put(view, violations);
        }
    }

    private static String createCaseWithPatch(VaadinPage page) {
        page.open("/cases");
        page.click("new-case");
        page.type("case-accession", "S26-A11Y");
        page.click("case-new-patient");
        page.type("patient-mrn", "MRN-A11Y");
        page.type("patient-name", "Grace Hopper");
        page.type("patient-dob", "12/9/1956");
        page.click("patient-save");
        page.waitForText("Patient MRN-A11Y created.");
        page.type("case-specimen", "Breast core biopsy");
        page.click("case-save");
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> d.getCurrentUrl().matches(".*/case/\\d+$"));
        String url = page.driver().getCurrentUrl();
        SearchContext shadow = page.byId("case-upload").getShadowRoot();
        WebElement fileInput = shadow.findElement(By.cssSelector("input[type='file']"));
        fileInput.sendKeys(IDC.toString());
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT.multipliedBy(3))
                .ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector("#job-grid .job-status[data-status='DONE']")).size() == 1);
        page.waitForVaadin();
        return url.substring(url.lastIndexOf('/') + 1);
    }
}
