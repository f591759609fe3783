package org.histoscope.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import java.util.List;
import org.histoscope.reports.CaseReportService;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.AxeCheck;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.SearchContext;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The pathologist's and the reviewer's day in Chromium, with the real model: a pathologist creates a patient and
 * a case, uploads a PCam TIFF and an IDC PNG at once, watches both predictions finish, opens a result with its
 * overlay; a reviewer signs both (agreeing with one, overriding the other) with their password; the pathologist
 * finalizes the case with the signed final diagnosis; an administrator checks the system status and reads the
 * case's audit trail. Saves the screenshots of these views (target/screenshots, or
 * -Dhistoscope.screenshot-dir=docs/screenshots to refresh the documentation).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class PathologistAndReviewerBrowserIT {

    private static final String PASSWORD = "Journey-Passphrase-2026";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));
    private static final Path PCAM = Path.of("src/test/resources/journeys/pcam-1996c210-tumor.tif").toAbsolutePath();
    private static final Path IDC = Path.of("src/test/resources/journeys/idc-9290-class1.png").toAbsolutePath();

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    CaseReportService reports;
    @Autowired
    org.histoscope.cases.CaseService cases;
    @Autowired
    org.histoscope.cases.CaseImageService images;
    @Autowired
    org.histoscope.inference.PredictionService predictions;
    /** The reviewer's diagnosis where they override the model: it matches the label they override with. */
    private String overrideDiagnosis;

    @Test
    void pathologistUploadsReviewerReviewsAndPathologistFinalizes() {
        TestAccounts.createReadyUser(accounts, "paula", PASSWORD, Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "rita", PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, "adele", PASSWORD, Roles.ADMIN);

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            List<String> resultPaths = pathologistDay(browser, page);
            String caseId = reviewerDay(browser, page, resultPaths);
            pathologistFinalizes(browser, page, caseId);
            administratorChecks(browser, page, caseId);
        }
    }

    private List<String> pathologistDay(BrowserSession browser, VaadinPage page) {
        page.login("paula", PASSWORD);
        page.open("/cases");
        page.click("new-case");
        page.type("case-accession", "S26-7001");
        page.click("case-new-patient");
        page.type("patient-mrn", "MRN-7001");
        page.type("patient-name", "Ada Lovelace");
        page.type("patient-dob", "12/10/1965");
        page.click("patient-save");
        page.waitForText("Patient MRN-7001 created.");
        page.type("case-specimen", "Breast core biopsy");
        page.type("case-site", "left breast, 2 o'clock");
        page.click("case-save");
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> d.getCurrentUrl().matches(".*/case/\\d+$"));
        assertThat(page.byId("case-title").getText()).isEqualTo("Case S26-7001");
        assertThat(page.byId("case-status").getText()).isEqualTo("Open");

        // several files at once into the upload's file input, as a drop or a multi-select would
        WebElement fileInput = fileInput(page, "case-upload");
        fileInput.sendKeys(PCAM + "\n" + IDC);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT.multipliedBy(3)).ignoring(StaleElementReferenceException.class).until(d ->
                d.findElements(By.cssSelector("#job-grid .job-status[data-status='DONE']")).size() == 2);
        page.waitForVaadin();
        assertThat(page.driver().findElements(By.cssSelector("#upload-log .upload-outcome[data-result='STORED']")))
                .hasSize(2);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("case-status")).getText().equals("In review"));
        // the grid re-renders as results and their review state arrive: wait until both links hold still
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElements(By.cssSelector("#job-grid a.result-link")).size() == 2);
        // the results in a fixed order, whichever job finished first: the IDC patch, then the PCam patch (which the
        // reviewer overrides), so that the journey and its screenshots are the same on every run
        List<String> resultPaths = List.of(resultPathOf("idc-9290-class1.png"), resultPathOf("pcam-1996c210-tumor.tif"));
        String resultPath = resultPaths.get(0);
        browser.screenshot(SCREENSHOTS.resolve("case-detail.png"));

        // the same file again is flagged, not stored
        fileInput(page, "case-upload").sendKeys(IDC.toString());
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class).until(d ->
                !d.findElements(By.cssSelector("#upload-log .upload-outcome[data-result='DUPLICATE']")).isEmpty());
        assertThat(page.driver().findElements(By.cssSelector("#job-grid .job-status"))).hasSize(2);

        page.click("timeline-tab");
        page.waitForText("IMAGE_DUPLICATE_FLAGGED");
        assertThat(page.byId("timeline").getText()).contains("CASE_CREATED").contains("PREDICTION_COMPLETED");

        page.open(resultPath);
        page.byId("result-image");
        WebElement overlay = page.byId("result-overlay");
        assertThat(page.byId("result-model").getText()).isNotBlank();
        assertThat(page.byId("result-device").getText()).contains("CPU");
        // the shipped card states the share of IDC its probability is calibrated for (the source dataset's 28.4 %)
        assertThat(page.byId("result-calibration").getText()).contains("28.4 % IDC patches");
        assertThat(Double.parseDouble(page.byId("result-probability").getText().replace(',', '.'))).isBetween(0.0, 1.0);
        assertThat(imageLoaded(page, overlay)).isTrue();
        setRange(page, "overlay-opacity", 80);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> "0.8".equals(overlay.getCssValue("opacity")));
        browser.screenshot(SCREENSHOTS.resolve("result.png"));
        BufferedImage withOverlay = stagePixels(page);
        page.driver().findElement(By.cssSelector("#overlay-toggle input")).click();
        page.waitForVaadin();
        assertThat(page.driver().findElements(By.id("result-overlay")).get(0).isDisplayed()).isFalse();
        assertThat(meanDifference(withOverlay, stagePixels(page))).as("the overlay visibly changes the image")
                .isGreaterThan(3.0);
        page.driver().findElement(By.cssSelector("#overlay-toggle input")).click();
        page.waitForVaadin();

        page.open("/cases");
        page.waitForText("S26-7001");
        browser.screenshot(SCREENSHOTS.resolve("cases.png"));

        // issue 26: the home worklist shows the new results; the navigation counts the unfinished cases
        page.open("/");
        String results = page.byId("worklist-results").getText();
        assertThat(results).contains("S26-7001 · idc-9290-class1.png", "S26-7001 · pcam-1996c210-tumor.tif",
                "not reviewed yet");
        assertThat(page.byId("worklist-pending-jobs").getText()).doesNotContain("S26-7001");
        assertThat(page.byId("worklist-ready").getText()).doesNotContain("S26-7001");
        assertThat(page.byId("nav-count-cases").getText())
                .isEqualTo(firstNumber(page.byId("worklist-unfinished").getText())).isNotEqualTo("0");
        browser.screenshot(SCREENSHOTS.resolve("home-pathologist.png"));
        page.logout();
        return resultPaths;
    }

    private String reviewerDay(BrowserSession browser, VaadinPage page, List<String> resultPaths) {
        String resultPath = resultPaths.get(0);
        page.login("rita", PASSWORD);
        // issue 26: the reviewer's home lists what waits for review with patient, MRN and case; the navigation counts it
        page.open("/");
        WebElement waiting = page.byId("worklist-review");
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class)
                .until(d -> waiting.getText().contains("MRN-7001"));
        assertThat(waiting.getText()).contains("Ada Lovelace", "MRN-7001", "S26-7001", "idc-9290-class1.png", "min");
        String total = firstNumber(page.byId("worklist-review-total").getText());
        assertThat(Integer.parseInt(total)).isGreaterThanOrEqualTo(2);
        assertThat(page.byId("nav-count-review").getText()).isEqualTo(total);
        browser.screenshot(SCREENSHOTS.resolve("home-reviewer.png"));

        page.open("/review");
        page.waitForText("S26-7001");
        assertThat(page.bodyText()).contains("To review").contains("Ada Lovelace").contains("MRN-7001");
        // at 1400 px the queue's columns fit: no sideways scrolling
        Number overflow = (Number) ((JavascriptExecutor) page.driver()).executeScript(
                "const t = document.getElementById('review-grid').$.table; return t.scrollWidth - t.clientWidth;");
        assertThat(overflow.intValue()).as("sideways overflow of the review queue (px)").isLessThanOrEqualTo(1);
        browser.screenshot(SCREENSHOTS.resolve("review-queue.png"));

        String predictionId = resultPath.substring(resultPath.lastIndexOf('/') + 1);
        page.open("/review/sign/" + predictionId);
        page.byId("review-title");
        WebElement diagnosis = page.waitFor(By.cssSelector("#review-diagnosis textarea"));
        diagnosis.sendKeys("Invasive ductal carcinoma, grade 2");
        diagnosis.sendKeys(Keys.TAB);
        page.waitForVaadin();
        acknowledgeIfOutOfDomain(page);
        page.click("review-sign");
        page.type("signature-password", "wrong-password");
        page.click("signature-confirm");
        page.waitForText("The password is not correct");
        page.type("signature-password", PASSWORD);
        browser.screenshot(SCREENSHOTS.resolve("review-sign.png"));
        assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the review's signature dialog").isEmpty();
        page.click("signature-confirm");
        page.waitForText("Electronically signed by Dr Rita (rita)");
        assertThat(page.bodyText()).contains("meaning: Reviewed").contains("UTC");
        String caseHref = page.driver().findElement(By.cssSelector("a[href^='case/']")).getAttribute("href");

        // the second result: the reviewer overrides the model's label
        String second = resultPaths.get(1);
        page.open("/review/sign/" + second.substring(second.lastIndexOf('/') + 1));
        page.byId("review-title");
        page.driver().findElements(By.cssSelector("#review-decision vaadin-radio-button")).stream()
                .filter(radio -> radio.getText().trim().equals("Override")).findFirst().orElseThrow()
                .findElement(By.cssSelector("input")).sendKeys(Keys.SPACE);
        page.waitForVaadin();
        // the diagnosis says what the overriding label says
        String finalLabel = (String) ((JavascriptExecutor) page.driver()).executeScript(
                "return document.querySelector('#review-final-label input').value;");
        overrideDiagnosis = "cancer".equals(finalLabel) ? "Invasive ductal carcinoma, small focus the model missed"
                : "Benign breast tissue, no invasion";
        WebElement secondDiagnosis = page.waitFor(By.cssSelector("#review-diagnosis textarea"));
        secondDiagnosis.sendKeys(overrideDiagnosis);
        secondDiagnosis.sendKeys(Keys.TAB);
        page.waitForVaadin();
        acknowledgeIfOutOfDomain(page);
        page.click("review-sign");
        page.type("signature-password", PASSWORD);
        page.click("signature-confirm");
        page.waitForText("Overrode the model's");
        page.logout();
        return caseHref.substring(caseHref.lastIndexOf('/') + 1);
    }

    /**
     * Issue 26: the case's pathologist (paula created it; nobody is assigned) sees every image with its model result
     * and signed review, enters the structured final diagnosis and signs it with her password; the case page, the
     * cases list and the report then show it, the report's text (PDFBox) with the final diagnosis first.
     */
    private void pathologistFinalizes(BrowserSession browser, VaadinPage page, String caseId) {
        page.login("paula", PASSWORD);
        // every result signed: the case is ready to finalize on her home page
        page.open("/");
        assertThat(page.byId("worklist-ready").getText()).contains("S26-7001 · Ada Lovelace (MRN-7001)");
        page.open("/case/" + caseId);
        assertThat(page.byId("case-finalize-link").getText()).isEqualTo("Finalize case");
        page.click("case-finalize-link");
        page.waitForPath("/finalize/" + caseId);
        String images = page.byId("finalize-images").getText();
        assertThat(images).contains("pcam-1996c210-tumor.tif", "idc-9290-class1.png", "Model: ", "threshold",
                "Review: final label", "Invasive ductal carcinoma, grade 2", overrideDiagnosis,
                "Dr Rita", "meaning: Reviewed");
        assertThat(images).doesNotContain("Exception", "SIGNED_OUT", "IN_REVIEW", "CUDA unavailable");
        page.driver().findElements(By.cssSelector("#final-idc vaadin-radio-button")).stream()
                .filter(radio -> radio.getText().trim().equals("Present")).findFirst().orElseThrow()
                .findElement(By.cssSelector("input")).sendKeys(Keys.SPACE);
        page.waitForVaadin();
        page.type("final-focus", "4.5");
        WebElement diagnosis = page.waitFor(By.cssSelector("#final-diagnosis-text textarea"));
        diagnosis.sendKeys("Invasive ductal carcinoma, Nottingham grade 2, in one of two cores");
        diagnosis.sendKeys(Keys.TAB);
        page.waitForVaadin();
        browser.screenshot(SCREENSHOTS.resolve("finalize.png"));
        assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the filled-in finalize page").isEmpty();
        page.click("finalize-case");
        assertThat(page.byId("signature-statement").getText()).contains("I, Dr Paula (paula), sign the final "
                + "diagnosis of case S26-7001").contains("Meaning of the signature: Approved");
        page.type("signature-password", "wrong-password");
        page.click("signature-confirm");
        page.waitForText("The password is not correct");
        page.type("signature-password", PASSWORD);
        browser.screenshot(SCREENSHOTS.resolve("finalize-sign.png"));
        assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the finalization's signature dialog").isEmpty();
        page.click("signature-confirm");
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class)
                .until(d -> !d.findElements(By.id("final-diagnosis")).isEmpty());
        assertThat(page.byId("final-diagnosis").getText()).contains(
                "Invasive ductal carcinoma present, largest focus 4.5 mm.",
                "Invasive ductal carcinoma, Nottingham grade 2, in one of two cores",
                "Electronically signed by Dr Paula (paula)", "meaning: Approved");

        page.open("/case/" + caseId);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.id("case-status")).getText().equals("Finalized"));
        assertThat(page.byId("case-final-diagnosis").getText())
                .contains("Invasive ductal carcinoma present, largest focus 4.5 mm.");
        // per image, the model's label beside the reviewer's signed one
        List<String> finalLabels = page.driver().findElements(By.cssSelector("#job-grid .final-label")).stream()
                .map(WebElement::getText).toList();
        assertThat(finalLabels).hasSize(2).allMatch(text -> text.startsWith("final: ") && !text.contains("not reviewed"));
        assertThat(page.driver().findElements(By.cssSelector("#job-grid a.result-link")))
                .allMatch(link -> link.getText().startsWith("model: "));
        browser.screenshot(SCREENSHOTS.resolve("case-finalized.png"));
        assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the finalized case").isEmpty();
        page.open("/cases");
        page.waitForText("Invasive ductal carcinoma present, largest focus 4.5 mm.");

        byte[] pdf = TestAccounts.runAs("paula", java.util.Set.of(Roles.PATHOLOGIST),
                () -> reports.downloadLatest(Long.parseLong(caseId))).orElseThrow().pdf();
        String text = pdfText(pdf);
        int finalDiagnosis = text.indexOf("Final diagnosis Invasive ductal carcinoma present, largest focus 4.5 mm. "
                + "Invasive ductal carcinoma, Nottingham grade 2, in one of two cores Finalized and signed: Dr Paula, ");
        assertThat(finalDiagnosis).as(text).isPositive().isLessThan(text.indexOf("Diagnoses per image"));
        assertThat(text.indexOf("Diagnoses per image")).isLessThan(text.indexOf("Patient Name"));
        // both images are patches: the PDF has no slide heatmap, so no heatmap scale, here
        assertThat(text).contains("meaning: Approved", overrideDiagnosis, "computed on CPU");
        assertThat(text).doesNotContain("Exception", "ORT_", "CUDA unavailable", "SIGNED_OUT", "IN_REVIEW", "AGREE",
                "OVERRIDE", "(paula)", "(rita)");
        page.logout();
    }

    /** The path of the image's result in case S26-7001, read through the services as its pathologist. */
    private String resultPathOf(String imageName) {
        return TestAccounts.runAs("paula", java.util.Set.of(Roles.PATHOLOGIST), () -> {
            long caseId = cases.findCaseByAccession("S26-7001").orElseThrow().id();
            long imageId = images.imagesOfCase(caseId).stream().filter(i -> i.originalFilename().equals(imageName))
                    .findFirst().orElseThrow().id();
            return "/result/" + predictions.forImage(imageId).get(0).id();
        });
    }

    private static String firstNumber(String text) {
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("\\d+").matcher(text);
        assertThat(number.find()).as("a number in \"" + text + "\"").isTrue();
        return number.group();
    }

    /** The domain guard (since model 2.3.1) may flag a test image: the reviewer then ticks that they read the warning. */
    private static void acknowledgeIfOutOfDomain(VaadinPage page) {
        List<WebElement> shown = page.driver().findElements(By.id("review-ood-acknowledge")).stream()
                .filter(WebElement::isDisplayed).toList();
        if (!shown.isEmpty()) {
            shown.get(0).findElement(By.cssSelector("input")).sendKeys(Keys.SPACE);
            page.waitForVaadin();
        }
    }

    private static String pdfText(byte[] pdf) {
        try (org.apache.pdfbox.pdmodel.PDDocument document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void administratorChecks(BrowserSession browser, VaadinPage page, String caseId) {
        page.login("adele", PASSWORD);
        // issue 26: the administrator's home shows the system's health and the failed jobs, counted in the navigation
        page.open("/");
        assertThat(page.byId("worklist-device").getText()).startsWith("CPU");
        assertThat(page.byId("worklist-db").getText()).startsWith("UP");
        assertThat(page.byId("worklist-queue").getText()).contains("queued", "running", "failed");
        long failed = Long.parseLong(firstNumber(page.byId("worklist-queue").getText().replaceFirst("^.*running, ", "")));
        List<WebElement> failedCount = page.driver().findElements(By.id("nav-count-admin-status"));
        if (failed == 0) {
            assertThat(failedCount).isEmpty();
        } else {
            assertThat(failedCount).singleElement().extracting(WebElement::getText).isEqualTo(String.valueOf(failed));
        }
        page.byId("worklist-failed-jobs");
        browser.screenshot(SCREENSHOTS.resolve("home-admin.png"));
        page.open("/admin/status");
        assertThat(page.byId("status-device").getText()).startsWith("CPU");
        assertThat(page.byId("status-db").getText()).isEqualTo("UP");
        assertThat(page.byId("status-failed").getText()).isEqualTo("0");
        assertThat(page.byId("status-storage").getText()).contains("GB free")
                .containsPattern("[2-9][0-9]* uploaded images"); // the browser tests share one image store
        browser.screenshot(SCREENSHOTS.resolve("status.png"));

        page.open("/audit");
        page.type("audit-case", caseId);
        // only the case's events remain once the filter applies (the logins have no case)
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> !page.bodyText().contains("LOGIN_SUCCEEDED"));
        assertThat(page.bodyText()).contains("REVIEW_SIGNED").contains("SIGNATURE_REJECTED")
                .contains("CASE_FINALIZED").contains("REPORT_GENERATED");
        ((JavascriptExecutor) page.driver()).executeScript("document.getElementById('audit-grid').scrollToIndex(100000);");
        page.waitForText("CASE_CREATED");
        assertThat(page.bodyText()).contains("IMAGE_UPLOADED");
        // the grid renders only the rows in view: the events between the oldest and the newest through the action filter
        page.type("audit-action", "PREDICTION_COMPLETED");
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d -> !page.bodyText().contains("CASE_CREATED"));
        assertThat(page.bodyText()).contains("PREDICTION_COMPLETED");
        page.logout();
    }

    private static BufferedImage stagePixels(VaadinPage page) {
        try {
            byte[] png = page.driver().findElement(By.cssSelector(".result-stage")).getScreenshotAs(OutputType.BYTES);
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean absolute difference per colour channel (0..255) of two same-size screenshots. */
    private static double meanDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        int width = Math.min(a.getWidth(), b.getWidth());
        int height = Math.min(a.getHeight(), b.getHeight());
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs((p >> shift & 0xff) - (q >> shift & 0xff));
                }
            }
        }
        return sum / (3.0 * width * height);
    }

    /** vaadin-upload keeps its native file input in its shadow root. */
    private static WebElement fileInput(VaadinPage page, String uploadId) {
        SearchContext shadow = page.byId(uploadId).getShadowRoot();
        return shadow.findElement(By.cssSelector("input[type='file']"));
    }

    private static boolean imageLoaded(VaadinPage page, WebElement image) {
        return Boolean.TRUE.equals(new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d ->
                (Boolean) ((JavascriptExecutor) d).executeScript(
                        "return arguments[0].complete && arguments[0].naturalWidth > 0;", image)));
    }

    private static void setRange(VaadinPage page, String id, int value) {
        ((JavascriptExecutor) page.driver()).executeScript("""
                const input = document.getElementById(arguments[0]);
                input.value = arguments[1];
                input.dispatchEvent(new Event('input', {bubbles: true}));
                input.dispatchEvent(new Event('change', {bubbles: true}));""", id, String.valueOf(value));
        page.waitForVaadin();
    }
}
