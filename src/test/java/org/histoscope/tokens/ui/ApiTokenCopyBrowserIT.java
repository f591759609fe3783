package org.histoscope.tokens.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.AxeCheck;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The dialog that shows a new API token once: its copy button puts exactly that token on Chromium's clipboard (read
 * back through the Clipboard API on a localhost page) and says so, both where the page is a secure context
 * (localhost, HTTPS: the Clipboard API) and on a plain-HTTP intranet name (no Clipboard API: the selected field is
 * copied). The clipboard holds another text before each click, so a button that copies nothing fails the test.
 * Same Spring context as the other browser tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class ApiTokenCopyBrowserIT {

    private static final String PASSWORD = "Token-Copy-Passphrase-2026";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));
    private static final String BEFORE = "nothing copied yet";
    /** Not localhost: Chromium treats plain HTTP under this name as an insecure context, as on a hospital intranet. */
    private static final String INTRANET_HOST = "histoscope.intranet";

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;

    @Test
    void theCopyButtonPutsTheNewTokenOnTheClipboard() {
        TestAccounts.createReadyUser(accounts, "tobias", PASSWORD, Roles.ADMIN);
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            allowClipboard(browser);
            page.login("tobias", PASSWORD);
            String token = createToken(page, "lis-copy-test");
            assertThat(secureContext(browser)).isTrue();
            writeClipboard(browser, BEFORE);
            assertThat(readClipboard(browser)).isEqualTo(BEFORE);
            assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the new token's dialog").isEmpty();
            browser.screenshot(SCREENSHOTS.resolve("api-token-secret.png"));

            page.click("copy-api-token");
            page.waitForText("Token copied to the clipboard.");
            assertThat(readClipboard(browser)).isEqualTo(token);
        }
    }

    @Test
    void onAPlainHttpIntranetPageTheCopyButtonStillCopiesTheToken() {
        TestAccounts.createReadyUser(accounts, "tamara", PASSWORD, Roles.ADMIN);
        try (BrowserSession browser = new BrowserSession("--host-resolver-rules=MAP " + INTRANET_HOST + " 127.0.0.1",
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable")) {
            VaadinPage local = new VaadinPage(browser.driver(), port);
            allowClipboard(browser);
            local.open("/login");
            writeClipboard(browser, BEFORE);

            VaadinPage intranet = new VaadinPage(browser.driver(), "http://" + INTRANET_HOST + ":" + port);
            intranet.login("tamara", PASSWORD);
            String token = createToken(intranet, "lis-copy-intranet");
            assertThat(secureContext(browser)).as("the intranet page is an insecure context").isFalse();
            intranet.click("copy-api-token");
            intranet.waitForText("Token copied to the clipboard.");

            local.open("/login");
            assertThat(readClipboard(browser)).isEqualTo(token);
        }
    }

    /** A person's browser asks before a page reads the clipboard; the test grants localhost that up front. */
    private void allowClipboard(BrowserSession browser) {
        ((ChromeDriver) browser.driver()).executeCdpCommand("Browser.grantPermissions", Map.of(
                "origin", "http://localhost:" + port,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    /** Creates a token through the dialog and returns the secret the once-only dialog shows. */
    private static String createToken(VaadinPage page, String name) {
        page.open("/admin/api-tokens");
        page.click("new-api-token");
        page.type("api-token-name", name);
        page.click("create-api-token");
        page.byId("api-token-secret");
        String token = (String) ((JavascriptExecutor) page.driver())
                .executeScript("return document.querySelector('#api-token-secret input').value;");
        assertThat(token).isNotBlank().hasSizeGreaterThan(20);
        return token;
    }

    private static boolean secureContext(BrowserSession browser) {
        return Boolean.TRUE.equals(((JavascriptExecutor) browser.driver()).executeScript("return window.isSecureContext;"));
    }

    private static void writeClipboard(BrowserSession browser, String text) {
        Object written = ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                navigator.clipboard.writeText(arguments[0]).then(() => done('ok'), e => done(String(e)));""", text);
        assertThat(written).isEqualTo("ok");
    }

    private static String readClipboard(BrowserSession browser) {
        return (String) ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                navigator.clipboard.readText().then(done, e => done('clipboard unreadable: ' + e));""");
    }
}
