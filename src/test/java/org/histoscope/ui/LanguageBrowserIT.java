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
import org.histoscope.testsupport.AxeCheck;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The language stored on an account decides the screens, in an (English) Chromium: a German pathologist signs in and
 * reads German navigation, the German cases list and case page with German dates; an English one reads English. A
 * user switches their own language on "My account": German at once, still German after signing in again, and back.
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

    @Test
    void aUserSwitchesTheirOwnLanguageOnMyAccountAndBack() {
        TestAccounts.createReadyUser(accounts, "wilma", PASSWORD, Roles.REVIEWER);
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("wilma", PASSWORD);
            page.open("/account/password");
            assertThat(browser.driver().getTitle()).isEqualTo("My account | Histoscope");
            assertThat(menu(page)).contains("Home", "Review queue", "My account").doesNotContain("Mein Konto");

            choose(page, "Deutsch", "Mein Konto | Histoscope");
            assertThat(menu(page)).contains("Startseite", "Befundprüfung", "Mein Konto")
                    .doesNotContain("Review queue").doesNotContain("My account");
            assertThat(page.bodyText()).contains("Abmelden", "Sprache der Oberfläche", "Passwort ändern",
                    "Aktuelles Passwort").doesNotContain("Sign out").doesNotContain("Current password");
            assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the German account page").isEmpty();
            browser.screenshot(SCREENSHOTS.resolve("account-de.png"));

            // stored on the account: a new sign-in opens in German
            page.logout();
            page.login("wilma", PASSWORD);
            assertThat(menu(page)).contains("Startseite", "Befundprüfung", "Mein Konto");
            page.open("/account/password");
            assertThat(browser.driver().getTitle()).isEqualTo("Mein Konto | Histoscope");

            choose(page, "English", "My account | Histoscope");
            assertThat(menu(page)).contains("Home", "Review queue", "My account").doesNotContain("Mein Konto");
            assertThat(page.bodyText()).contains("Sign out", "Current password").doesNotContain("Abmelden");
            page.logout();
            page.login("wilma", PASSWORD);
            assertThat(menu(page)).contains("Home", "Review queue").doesNotContain("Startseite");
        }
    }

    /** Picks the language in the account page's select; the page reloads with the given title. */
    private static void choose(VaadinPage page, String language, String titleAfter) {
        // the select's button, not the field's centre (which may be its long helper text)
        page.waitFor(By.cssSelector("#own-language vaadin-select-value-button")).click();
        // the opened select's item that reads the language (in its overlay, where Selenium's visibility check is unsure)
        JavascriptExecutor js = (JavascriptExecutor) page.driver();
        WebElement item = new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).withMessage(() -> "no item '" + language
                + "' among " + js.executeScript("return [...document.querySelectorAll('vaadin-select-item')]"
                + ".map(i => i.textContent.trim() + ' ' + i.getBoundingClientRect().height).join('; ');")
                + " in " + js.executeScript("return document.getElementById('own-language').outerHTML;"))
                .until(d -> (WebElement)
                ((JavascriptExecutor) d).executeScript("""
                        return [...document.querySelectorAll('vaadin-select-item')]
                            .find(i => i.textContent.trim() === arguments[0] && i.getBoundingClientRect().height > 0)
                            || null;""", language));
        js.executeScript("arguments[0].click();", item);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> titleAfter.equals(d.getTitle()));
        page.waitForVaadin();
    }

    private static String menu(VaadinPage page) {
        return page.waitFor(By.tagName("vaadin-side-nav")).getText();
    }
}
