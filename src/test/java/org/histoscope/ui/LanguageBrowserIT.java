package org.histoscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import org.histoscope.cases.CaseService;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.TestCases;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserLanguage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The language stored on an account decides the screens, in an (English) Chromium: a German pathologist signs in and
 * reads German navigation, the German cases list and case page with German dates; an English one reads English.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class LanguageBrowserIT {

    private static final String PASSWORD = "Language-Browser-Passphrase-2026";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));
    /** A German medium date, e.g. 07.12.2026 (an English one reads Dec 7, 2026). */
    private static final String GERMAN_DATE = "(?s).*\\b\\d{2}\\.\\d{2}\\.\\d{4}\\b.*";

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    CaseService cases;

    @Test
    void aGermanUserReadsGermanAndAnEnglishUserEnglish() {
        TestAccounts.createReadyUser(accounts, "gerda", PASSWORD, Roles.PATHOLOGIST);
        TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> accounts.setLanguage("gerda", UserLanguage.GERMAN));
        TestAccounts.createReadyUser(accounts, "edward", PASSWORD, Roles.PATHOLOGIST);
        String accession = "S26-DE" + UUID.randomUUID().toString().substring(0, 6);
        long caseId = TestCases.newCase(cases, accession);

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("gerda", PASSWORD);
            page.open("/cases");
            page.waitForText(accession);
            String list = page.bodyText();
            assertThat(list).contains("Fälle", "Patienten", "Abmelden", "Eingangsnummer", "Präparat", "Geändert",
                    "Neuer Fall").doesNotContain("Sign out").doesNotContain("Accession");
            assertThat(list).matches(GERMAN_DATE);
            browser.screenshot(SCREENSHOTS.resolve("cases-de.png"));

            page.open("/case/" + caseId);
            page.waitForText(accession);
            assertThat(page.bodyText()).contains("Fall " + accession, "Zuständiger Pathologe", "Angelegt",
                    "geb. 01.01.1960", "weiblich", "Bilder und Ergebnisse", "Verlauf", "Noch keine Bilder hochgeladen.")
                    .doesNotContain("Assigned pathologist");
            assertThat(browser.driver().getTitle()).isEqualTo("Fall " + accession + " | Histoscope");
            page.logout();
        }

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("edward", PASSWORD);
            page.open("/case/" + caseId);
            page.waitForText(accession);
            assertThat(page.bodyText()).contains("Case " + accession, "Assigned pathologist", "born Jan 1, 1960",
                    "Sign out", "Cases").doesNotContain("Abmelden").doesNotContain("Fälle");
        }
    }
}
