package org.histoscope.viewer.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;

import java.util.Map;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.cases.Sex;
import org.histoscope.cases.UploadOutcome;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileScore;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.AxeCheck;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A pathologist opens a whole-slide result (a real 2000 x 1300 IDC slide region, predicted by the real model) in the
 * deep-zoom viewer: full-resolution tiles load after zooming in, the heatmap toggles and changes opacity in the
 * browser without reloading tiles, and a click on the highest-scoring tile shows its probability. Screenshots go to
 * target/screenshots, or docs/screenshots with -Dhistoscope.screenshot-dir=docs/screenshots.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class SlideViewerBrowserIT {

    private static final String PASSWORD = "Zoom-Into-The-Tissue-2026";
    private static final Path SCREENSHOTS = Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"));
    private static final Path SLIDE = Path.of("src/test/resources/images/slide/idc-8984-region.png").toAbsolutePath();

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    PredictionService predictions;

    @Test
    void aPathologistZoomsIntoTheSlideAndReadsTheHeatmap() throws Exception {
        TestAccounts.createReadyUser(accounts, "petra", PASSWORD, Roles.PATHOLOGIST);
        TestAccounts.createReadyUser(accounts, "rolf", PASSWORD, Roles.REVIEWER);
        StoredPrediction prediction = predictedSlide();
        TileScore top = prediction.tileStatistics().topTiles().get(0);

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            JavascriptExecutor js = (JavascriptExecutor) page.driver();
            page.login("petra", PASSWORD);
            page.open("/result/" + prediction.id());
            WebElement viewer = page.byId("slide-viewer");
            wait(page, "the heatmap", () -> "true".equals(viewer.getAttribute("data-heatmap-ready")));
            assertThat(page.byId("heatmap-legend").getText()).contains("threshold");
            waitForTiles(page);
            browser.screenshot(SCREENSHOTS.resolve("slide-viewer.png"));
            assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the slide viewer").isEmpty();
            // the legend shows the scale in the server's palette with the tile threshold marked (issue 26)
            assertThat(page.byId("heatmap-legend-bar").getCssValue("background-image")).contains("linear-gradient")
                    .contains("rgb(0, 0, 255)").contains("rgb(255, 0, 0)");

            // a click on a highest-scoring tile's row pans and zooms the viewer to that tile
            aTopTileRowMovesTheViewer(page, js, viewer, top);

            // zoom in to full resolution on the highest-scoring tile: DZI level 11 (2000 px wide) tiles load
            js.executeScript("""
                    const v = arguments[0].histoscopeViewer.viewer;
                    const centre = v.viewport.imageToViewportCoordinates(arguments[1], arguments[2]);
                    v.viewport.zoomTo(v.viewport.imageToViewportZoom(1.5), centre, true);
                    v.viewport.panTo(centre, true);""", viewer, top.x() + top.width() / 2.0, top.y() + top.height() / 2.0);
            wait(page, "full-resolution tiles", () -> (Boolean) js.executeScript(
                    "return performance.getEntriesByType('resource').some(e => e.name.includes('_files/11/'));"));
            waitForTiles(page);
            browser.screenshot(SCREENSHOTS.resolve("slide-viewer-zoomed.png"));

            // a click on the top tile reports its probability
            Map<?, ?> point = (Map<?, ?>) js.executeScript("""
                    const v = arguments[0].histoscopeViewer.viewer;
                    const p = v.viewport.imageToViewerElementCoordinates(new OpenSeadragon.Point(arguments[1], arguments[2]));
                    const box = v.element.getBoundingClientRect();
                    return {x: p.x, y: p.y, w: box.width, h: box.height};""",
                    viewer, top.x() + top.width() / 2.0, top.y() + top.height() / 2.0);
            WebElement canvas = page.byId("slide-viewer-canvas");
            new Actions(page.driver()).moveToElement(canvas,
                            (int) (number(point.get("x")) - number(point.get("w")) / 2),
                            (int) (number(point.get("y")) - number(point.get("h")) / 2))
                    .click().perform();
            WebElement info = page.byId("viewer-tile-info");
            wait(page, "the tile's probability", () -> !info.getAttribute("data-probability").isEmpty());
            assertThat(Double.parseDouble(info.getAttribute("data-probability")))
                    .isCloseTo(top.probability(), within(0.003));
            assertThat(info.getText()).contains("Tile column " + top.x() / prediction.tileStatistics().tileSizePixels())
                    .contains("probability");

            // toggle and opacity act on the layer in place: no tile is requested again
            int requestsBefore = tileRequests(js);
            page.click("heatmap-toggle");
            wait(page, "the heatmap to hide", () -> heatmapOpacity(js, viewer) == 0);
            browser.screenshot(SCREENSHOTS.resolve("slide-viewer-heatmap-off.png"));
            page.click("heatmap-toggle");
            setRange(page, "heatmap-opacity", 80);
            wait(page, "the new opacity", () -> Math.abs(heatmapOpacity(js, viewer) - 0.8) < 1e-6);
            // the tissue mask: hidden until asked for, then shown in place
            assertThat(layerOpacity(js, viewer, "mask")).isZero();
            page.click("tissue-mask-toggle");
            wait(page, "the tissue mask", () -> layerOpacity(js, viewer, "mask") == 1);
            browser.screenshot(SCREENSHOTS.resolve("slide-viewer-tissue-mask.png"));
            assertThat(tileRequests(js)).isEqualTo(requestsBefore);
            // every slide tile the viewer asked for arrived and decoded (a wrong URL or a refused request would not)
            assertThat(number(js.executeScript("return arguments[0].histoscopeViewer.tilesFailed;", viewer))).isZero();
            assertThat(number(js.executeScript("return arguments[0].histoscopeViewer.tilesLoaded;", viewer)))
                    .isGreaterThan(4);
            assertThat(page.driver().getCurrentUrl()).endsWith("/result/" + prediction.id());

            page.logout();
            aReviewerReviewsAndSignsInsideTheViewer(browser, page, prediction);
        }
    }

    /**
     * Issue 26: the reviewer reviews the whole-slide result beside the deep-zoom viewer, moves it with the top-tile
     * list and signs with their password, all on the viewer's page.
     */
    private void aReviewerReviewsAndSignsInsideTheViewer(BrowserSession browser, VaadinPage page,
                                                         StoredPrediction prediction) {
        JavascriptExecutor js = (JavascriptExecutor) page.driver();
        page.login("rolf", PASSWORD);
        page.open("/review/sign/" + prediction.id());
        WebElement viewer = page.byId("slide-viewer");
        wait(page, "the heatmap", () -> "true".equals(viewer.getAttribute("data-heatmap-ready")));
        waitForTiles(page);
        assertThat(page.byId("review-viewer-column").findElements(By.id("top-tiles"))).hasSize(1);
        assertThat(page.byId("review-form-column").findElements(By.id("review-sign"))).hasSize(1);
        assertThat(page.byId("heatmap-legend").getText()).contains("tile threshold");
        java.util.List<TileScore> tiles = prediction.tileStatistics().topTiles();
        aTopTileRowMovesTheViewer(page, js, viewer, tiles.get(Math.min(1, tiles.size() - 1)));

        WebElement diagnosis = page.waitFor(By.cssSelector("#review-diagnosis textarea"));
        diagnosis.sendKeys("Invasive ductal carcinoma in the marked region");
        diagnosis.sendKeys(org.openqa.selenium.Keys.TAB);
        page.waitForVaadin();
        java.util.List<WebElement> acknowledge = page.driver().findElements(By.id("review-ood-acknowledge")).stream()
                .filter(WebElement::isDisplayed).toList();
        if (!acknowledge.isEmpty()) {
            acknowledge.get(0).findElement(By.cssSelector("input")).sendKeys(org.openqa.selenium.Keys.SPACE);
            page.waitForVaadin();
        }
        waitForTiles(page);
        browser.screenshot(SCREENSHOTS.resolve("review-in-viewer.png"));
        assertThat(AxeCheck.seriousViolations(page)).as("axe-core on the review beside the viewer").isEmpty();
        page.click("review-sign");
        page.type("signature-password", PASSWORD);
        page.click("signature-confirm");
        page.waitForText("Electronically signed by");
        assertThat(page.driver().getCurrentUrl()).endsWith("/review/sign/" + prediction.id());
        assertThat(page.driver().findElements(By.id("slide-viewer"))).hasSize(1);
        assertThat(page.byId("review-form-column").getText()).contains("Electronically signed by Dr Rolf (rolf)");
    }

    /** Clicks the tile's row in the top-tile list and checks the viewport's centre moved onto the tile, zoomed in. */
    private static void aTopTileRowMovesTheViewer(VaadinPage page, JavascriptExecutor js, WebElement viewer,
                                                  TileScore tile) {
        Map<?, ?> before = viewport(js, viewer);
        WebElement cell = new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).until(d ->
                d.findElements(By.cssSelector("#top-tiles vaadin-grid-cell-content")).stream()
                        .filter(c -> c.getText().trim().equals(tile.x() + ", " + tile.y())).findFirst().orElse(null));
        // the page scrolls inside the app layout: bring the row into view first, as a user would
        js.executeScript("arguments[0].scrollIntoView({block: 'center'});", cell);
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).ignoring(ElementClickInterceptedException.class)
                .until(d -> {
                    cell.click();
                    return true;
                });
        String region = tile.x() + "," + tile.y() + "," + tile.width() + "," + tile.height();
        wait(page, "the viewer to move to the tile", () -> region.equals(viewer.getAttribute("data-shown-region")));
        Map<?, ?> after = viewport(js, viewer);
        Map<?, ?> expected = (Map<?, ?>) js.executeScript("""
                const p = arguments[0].histoscopeViewer.viewer.world.getItemAt(0)
                    .imageToViewportCoordinates(arguments[1], arguments[2]);
                return {x: p.x, y: p.y};""", viewer, tile.x() + tile.width() / 2.0, tile.y() + tile.height() / 2.0);
        assertThat(number(after.get("x"))).isCloseTo(number(expected.get("x")), within(1e-6));
        assertThat(number(after.get("y"))).isCloseTo(number(expected.get("y")), within(1e-6));
        assertThat(Math.abs(number(after.get("x")) - number(before.get("x")))
                + Math.abs(number(after.get("y")) - number(before.get("y")))
                + Math.abs(number(after.get("zoom")) - number(before.get("zoom")))).as("the viewport changed")
                .isGreaterThan(1e-4);
        // back to the viewer, where the next steps look and click
        js.executeScript("arguments[0].scrollIntoView({block: 'start'});", viewer);
    }

    /** The viewport's (target) centre and zoom, as OpenSeadragon reports them. */
    private static Map<?, ?> viewport(JavascriptExecutor js, WebElement viewer) {
        return (Map<?, ?>) js.executeScript("""
                const v = arguments[0].histoscopeViewer.viewer;
                const c = v.viewport.getCenter();
                return {x: c.x, y: c.y, zoom: v.viewport.getZoom()};""", viewer);
    }

    /**
     * The viewer's issue-22 layers on the same slide with synthetic defects (a blurred block, a pen stroke): the QC
     * layer shows the failing tiles with a legend entry and toggles in place, the out-of-domain layer exists with its
     * legend, the outline is drawn on the smoothed map at the tile threshold, and the result counts the left-out tiles.
     */
    @Test
    void theViewerShowsQcFailuresOutOfDomainTilesAndTheSmoothedOutline() throws Exception {
        TestAccounts.createReadyUser(accounts, "pia", PASSWORD, Roles.PATHOLOGIST);
        java.awt.image.BufferedImage defects = org.histoscope.inference.internal.SlideQcTest.withDefects(
                org.histoscope.inference.OperatingPointsAndGuardTest.rgb(javax.imageio.ImageIO.read(SLIDE.toFile())));
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(defects, "png", png);
        StoredPrediction prediction = predicted("pia", "OSD-2", "idc-8984-region-defects.png", png.toByteArray());
        int qcFailed = prediction.tileStatistics().blurredTiles() + prediction.tileStatistics().penInkTiles();
        assertThat(qcFailed).as("tiles failing slide QC").isGreaterThan(20);

        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            JavascriptExecutor js = (JavascriptExecutor) page.driver();
            page.login("pia", PASSWORD);
            page.open("/result/" + prediction.id());
            WebElement viewer = page.byId("slide-viewer");
            wait(page, "the QC layer", () -> "true".equals(viewer.getAttribute("data-qc-layer-ready")));
            wait(page, "the out-of-domain layer", () -> "true".equals(viewer.getAttribute("data-ood-layer-ready")));
            // a tile can fail several QC checks and lie outside the domain as well: each layer counts it once
            var tiles = prediction.tileStatistics();
            int qcTiles = Integer.parseInt(viewer.getAttribute("data-qc-tiles"));
            int unusable = tiles.tissueTiles() - (int) Math.round(tiles.usableShare() * tiles.tissueTiles());
            assertThat(qcTiles).isBetween(Math.max(tiles.blurredTiles(), Math.max(tiles.penInkTiles(),
                    tiles.darkOrBrightTiles())), tiles.blurredTiles() + tiles.penInkTiles() + tiles.darkOrBrightTiles());
            assertThat(unusable).isBetween(Math.max(qcTiles, tiles.outOfDomainTiles()),
                    qcTiles + tiles.outOfDomainTiles());
            assertThat(Integer.parseInt(viewer.getAttribute("data-ood-tiles")))
                    .isEqualTo(prediction.tileStatistics().outOfDomainTiles());
            assertThat(page.byId("legend-qc").getText()).contains("Failed slide QC");
            assertThat(page.byId("legend-ood").getText()).contains("Outside the model's training domain");
            assertThat(page.byId("heatmap-legend").getText()).contains("smoothed probability").contains("tile threshold");
            assertThat(page.byId("tile-quality").getText()).contains("blurred").contains("pen ink");
            assertThat(layerOpacity(js, viewer, "qc")).isEqualTo(1);
            waitForTiles(page);
            browser.screenshot(SCREENSHOTS.resolve("slide-viewer-layers.png"));

            // a click on a blurred tile names its QC failure and compares the smoothed value with the tile threshold
            Map<?, ?> point = (Map<?, ?>) js.executeScript(
                    "const v = arguments[0].histoscopeViewer.viewer;"
                    + " const p = v.viewport.imageToViewerElementCoordinates(new OpenSeadragon.Point(425, 425));"
                    + " const box = v.element.getBoundingClientRect();"
                    + " return {x: p.x, y: p.y, w: box.width, h: box.height};", viewer);
            new Actions(page.driver()).moveToElement(page.byId("slide-viewer-canvas"),
                            (int) (number(point.get("x")) - number(point.get("w")) / 2),
                            (int) (number(point.get("y")) - number(point.get("h")) / 2))
                    .click().perform();
            WebElement info = page.byId("viewer-tile-info");
            wait(page, "the tile's flags", () -> info.getText().contains("Slide QC: blurred"));

            page.click("qc-layer-toggle");
            wait(page, "the QC layer to hide", () -> layerOpacity(js, viewer, "qc") == 0);
            page.click("ood-layer-toggle");
            wait(page, "the out-of-domain layer to hide", () -> layerOpacity(js, viewer, "ood") == 0);
            page.click("qc-layer-toggle");
            wait(page, "the QC layer again", () -> layerOpacity(js, viewer, "qc") == 1);
        }
    }

    private StoredPrediction predictedSlide() throws Exception {
        return predicted("petra", "OSD-1", "idc-8984-region.png", Files.readAllBytes(SLIDE));
    }

    private StoredPrediction predicted(String user, String accession, String fileName, byte[] bytes) throws Exception {
        long caseId = ActingAs.user(user, () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Slide Viewer",
                    LocalDate.of(1962, 2, 2), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Breast excision", null, null, null)).id();
        }, Roles.PATHOLOGIST);
        UploadOutcome outcome = ActingAs.user(user, () -> {
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                return images.upload(caseId, fileName, in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
        long jobId = outcome.job().id();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        JobSummary job;
        do {
            Thread.sleep(500);
            job = ActingAs.user(user, () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST).stream()
                    .filter(j -> j.id() == jobId).findFirst().orElseThrow();
            assertThat(System.nanoTime()).as("prediction finished in time").isLessThan(deadline);
            assertThat(job.status()).isNotEqualTo(JobStatus.FAILED);
        } while (job.status() != JobStatus.DONE);
        long predictionId = job.predictionId();
        return ActingAs.user(user, () -> predictions.find(predictionId), Roles.PATHOLOGIST).orElseThrow();
    }

    private static void waitForTiles(VaadinPage page) {
        wait(page, "the tiles to load", () -> (Boolean) ((JavascriptExecutor) page.driver()).executeScript(
                "const v = document.getElementById('slide-viewer').histoscopeViewer.viewer;"
                        + " return v.world.getItemCount() > 0 && v.world.getItemAt(0).getFullyLoaded();"));
    }

    private static int tileRequests(JavascriptExecutor js) {
        return ((Number) js.executeScript(
                "return performance.getEntriesByType('resource').filter(e => e.name.includes('_files/')).length;"))
                .intValue();
    }

    private static double heatmapOpacity(JavascriptExecutor js, WebElement viewer) {
        return layerOpacity(js, viewer, "heatmap");
    }

    private static double layerOpacity(JavascriptExecutor js, WebElement viewer, String layer) {
        return number(js.executeScript("const s = arguments[0].histoscopeViewer;"
                + " const l = s[arguments[1]] || s.layers[arguments[1]];"
                + " return l ? l.getOpacity() : -1;", viewer, layer));
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private static void wait(VaadinPage page, String what, java.util.function.BooleanSupplier condition) {
        new WebDriverWait(page.driver(), VaadinPage.TIMEOUT).withMessage("waiting for " + what)
                .until(d -> condition.getAsBoolean());
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
