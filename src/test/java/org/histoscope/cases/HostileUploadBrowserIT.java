package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.histoscope.images.HostileCorpus;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A few files of the hostile corpus dropped at once into the case view's upload in Chromium: each is answered
 * "not accepted" with its reason in the upload log, none becomes an image or a job, and an ordinary slide uploaded
 * right after is stored and predicted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class HostileUploadBrowserIT {

    private static final String PASSWORD = "Hostile-Passphrase-2026";
    private static final List<String> HOSTILE = List.of("bomb-deflate-20000.tif", "ifd-loop.tif", "blank-12000.png",
            "scrambled-scan.jpg", "rle8-bomb.bmp", "uint64-samples.tif");

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    CaseService cases;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void hostileFilesDroppedInTheBrowserAreRefusedWithTheirReasonAndTheViewKeepsWorking() throws Exception {
        TestAccounts.createReadyUser(accounts, "hedda", PASSWORD, Roles.PATHOLOGIST);
        long caseId = ActingAs.user("hedda", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-H-1", "Hostile Upload",
                    LocalDate.of(1970, 5, 5), Sex.FEMALE));
            return cases.createCase(new CaseForm("H26-0001", patient.id(), "Skin", null, null, null)).id();
        }, Roles.PATHOLOGIST);
        Map<String, HostileCorpus.Sample> corpus = HostileCorpus.generate().stream()
                .collect(Collectors.toMap(HostileCorpus.Sample::name, Function.identity()));
        Path folder = Files.createDirectories(Path.of("target", "hostile-browser-upload").toAbsolutePath());
        StringBuilder files = new StringBuilder();
        for (String name : HOSTILE) {
            Path file = Files.write(folder.resolve(name), corpus.get(name).content());
            files.append(files.isEmpty() ? "" : "\n").append(file);
        }

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("hedda", PASSWORD);
            page.open("/case/" + caseId);
            fileInput(page).sendKeys(files.toString());
            new WebDriverWait(page.driver(), VaadinPage.TIMEOUT.multipliedBy(2))
                    .ignoring(StaleElementReferenceException.class).until(d -> d.findElements(
                            By.cssSelector("#upload-log .upload-outcome[data-result='REJECTED']")).size() == HOSTILE.size());
            String log = page.byId("upload-log").getText();
            for (String name : HOSTILE) {
                assertThat(log).contains(name + " was not accepted:");
            }
            assertThat(log).contains("decompression bomb").contains("loops").contains("no tissue")
                    .doesNotContain("Exception").doesNotContain("java.");
            assertThat(page.driver().findElements(By.cssSelector("#job-grid .job-status"))).isEmpty();
            // issue 24 item 11: the upload's own file list ticked off refused files as if stored
            new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> uploadList(page).stream()
                    .filter(state -> !state.contains("||")).count() == HOSTILE.size());
            assertThat(uploadList(page)).hasSize(HOSTILE.size())
                    .allSatisfy(state -> assertThat(state).contains("|failed|Not accepted"));
            assertThat(jdbc.queryForObject("select count(*) from case_image where case_id = ?", Long.class, caseId))
                    .isZero();

            Path ordinary = Path.of("src/test/resources/journeys/pcam-1996c210-tumor.tif").toAbsolutePath();
            fileInput(page).sendKeys(ordinary.toString());
            new WebDriverWait(page.driver(), VaadinPage.TIMEOUT.multipliedBy(3))
                    .ignoring(StaleElementReferenceException.class).until(d -> d.findElements(
                            By.cssSelector("#job-grid .job-status[data-status='DONE']")).size() == 1);
            assertThat(uploadList(page)).filteredOn(state -> state.startsWith("pcam-1996c210-tumor.tif|"))
                    .containsExactly("pcam-1996c210-tumor.tif|complete|");
            browser.screenshot(Path.of("target", "screenshots", "hostile-upload.png"));
        }
    }

    /** Each file of the upload's list as "name|complete, failed or (still running) empty|error shown". */
    @SuppressWarnings("unchecked")
    private static List<String> uploadList(VaadinPage page) {
        return (List<String>) ((org.openqa.selenium.JavascriptExecutor) page.driver()).executeScript(
                "return document.getElementById('case-upload').files.map(f => f.name + '|' + (f.complete ? 'complete'"
                        + " : f.error ? 'failed' : '') + '|' + (f.error || ''))");
    }

    private static WebElement fileInput(VaadinPage page) {
        return page.byId("case-upload").getShadowRoot().findElement(By.cssSelector("input[type='file']"));
    }
}
