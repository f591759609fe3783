package org.histoscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The one error path in Chromium: a fault injected while a page opens shows the error view with a reference, and a
 * fault in a click listener shows a notification with a reference; the exception's class and message never reach
 * the browser, and the log has the exception under the same reference.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class ErrorPathBrowserIT {

    private static final String PASSWORD = "Error-Path-Passphrase-2026";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;

    @Test
    void anInjectedFaultShowsAPlainMessageWithAReferenceAndNoExceptionText() {
        TestAccounts.createReadyUser(accounts, "erin", PASSWORD, Roles.PATHOLOGIST);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(ErrorView.class.getPackageName())).addAppender(log);
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("erin", PASSWORD);

            page.open("/test-fault/open");
            String reference = page.byId("error-reference").getText();
            assertThat(reference).matches("[0-9a-f]{8}");
            assertThat(page.bodyText()).contains("This page could not be shown")
                    .doesNotContain(FaultInjectionView.SECRET).doesNotContain("IllegalStateException");
            assertThat(page.driver().getPageSource()).doesNotContain(FaultInjectionView.SECRET);
            assertLogged(log, reference);
            browser.screenshot(SCREENSHOTS.resolve("error-view.png"));

            page.open("/test-fault/click");
            page.click("fault-button");
            page.waitForText("Quote reference");
            String shown = page.bodyText();
            assertThat(shown).doesNotContain(FaultInjectionView.SECRET).doesNotContain("IllegalStateException");
            String listenerReference = shown.replaceAll("(?s).*Quote reference ([0-9a-f]{8}).*", "$1");
            assertThat(listenerReference).matches("[0-9a-f]{8}").isNotEqualTo(reference);
            assertLogged(log, listenerReference);
        } finally {
            ((Logger) LoggerFactory.getLogger(ErrorView.class.getPackageName())).detachAppender(log);
        }
    }

    private static void assertLogged(ListAppender<ILoggingEvent> log, String reference) {
        assertThat(log.list).anySatisfy(event -> {
            assertThat(event.getFormattedMessage()).contains("reference " + reference);
            assertThat(event.getThrowableProxy().getMessage()).isEqualTo(FaultInjectionView.SECRET);
        });
    }
}
