package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.TinyModelsContext;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An administrator in Chromium sees the registry and the inference device, uploads a package zip, and activates it
 * after confirming; a pathologist is refused the view.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "vaadin.devmode.devTools.enabled=false")
class ModelAdministrationBrowserIT {

    static final Path MODELS = freshModels();

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("histoscope.models.directory", MODELS::toString);
        registry.add("histoscope.models.default-id", () -> "tiny-test-model");
    }

    private static Path freshModels() {
        try {
            Path directory = java.nio.file.Files.createDirectories(
                    Path.of("target", "test-models", "browser-" + java.util.UUID.randomUUID())).toAbsolutePath();
            TinyModelsContext.copy(TinyModelsContext.fixture("tiny-test-model"), directory.resolve("tiny-test-model"));
            return directory;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    UserAccountService accounts;
    @Autowired
    ModelRegistry registry;
    @Autowired
    ModelEvaluationService evaluations;

    @Test
    void administratorAddsAndActivatesAModel(@TempDir Path dir) throws Exception {
        TestAccounts.createReadyUser(accounts, "modeladmin", "Model-Admin-Passphrase-1", Roles.ADMIN);
        TestAccounts.createReadyUser(accounts, "modelpath", "Model-Path-Passphrase-1", Roles.PATHOLOGIST);
        Path zip = ModelPackages.zip(ModelPackages.fixture("tiny-test-model-b"), dir.resolve("package.zip"));
        try (BrowserSession browser = new BrowserSession()) {
            VaadinPage page = new VaadinPage(browser.driver(), port);
            page.login("modeladmin", "Model-Admin-Passphrase-1");
            page.open("/admin/models");
            page.waitForText("Tiny test model 0.0.1");
            assertThat(page.byId("inference-device").getText()).startsWith("Inference device: ");
            assertThat(page.bodyText()).contains("Active");

            WebElement upload = page.byId("model-upload");
            WebElement input = (WebElement) ((JavascriptExecutor) browser.driver()).executeScript(
                    "return arguments[0].querySelector('input[type=file]') "
                            + "|| arguments[0].shadowRoot.querySelector('input[type=file]')", upload);
            input.sendKeys(zip.toString());
            page.waitForText("Ready: zip");
            // the upload's file list may cover the button's centre: click it as a user's script would
            ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].click()", page.byId("model-register"));
            page.waitForText("Tiny test model 0.0.2");
            page.waitForVaadin();

            page.waitFor(By.xpath("//vaadin-grid-cell-content[contains(., 'Tiny test model 0.0.2')]")).click();
            page.waitForVaadin();
            ((JavascriptExecutor) browser.driver()).executeScript("arguments[0].click()", page.byId("model-activate"));
            page.waitFor(By.cssSelector("vaadin-button[slot='confirm-button']")).click();
            page.waitForText("is now the active model");
            assertThat(page.bodyText()).contains("Evaluations of the selected model");
            assertThat(org.histoscope.security.SystemIdentity.call(() -> registry.active()).orElseThrow().modelId())
                    .isEqualTo("tiny-test-model-b");
            browser.screenshot(Path.of("target", "screenshots", "admin-models.png"));

            // the ROC curve and calibration plot of an evaluation are drawn (issue #26: the SVG arrived as HTML)
            long tiny = org.histoscope.security.SystemIdentity.call(() -> registry.all()).stream()
                    .filter(m -> m.modelId().equals("tiny-test-model")).findFirst().orElseThrow().id();
            Path reference = ModelPackages.fixture("tiny-test-model").resolve("reference");
            Path set = ModelEvaluationTest.referenceZip(dir.resolve("set.zip"), reference,
                    ModelEvaluationTest.referencePatches(reference));
            ModelEvaluation done = TestAccounts.runAs("modeladmin", java.util.Set.of(Roles.ADMIN), () -> {
                try {
                    return ModelEvaluationTest.waitFor(evaluations,
                            evaluations.start(tiny, set, "roc-check", 0.9).id());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("DONE");
            page.open("/admin/models");
            page.waitFor(By.xpath("//vaadin-grid-cell-content[contains(., 'Tiny test model 0.0.1')]")).click();
            page.waitForVaadin();
            // the evaluations grid sits below the fold: bring the row up, then click it as a user would
            WebElement evaluationRow = page.waitFor(By.xpath("//vaadin-grid-cell-content[contains(., 'roc-check')]"));
            ((JavascriptExecutor) browser.driver()).executeScript(
                    "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click()", evaluationRow);
            page.waitForVaadin();
            for (String chart : java.util.List.of("evaluation-roc", "evaluation-calibration")) {
                WebElement image = page.byId(chart);
                new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), VaadinPage.TIMEOUT).until(d ->
                        ((Number) ((JavascriptExecutor) d).executeScript(
                                "return arguments[0].complete ? arguments[0].naturalWidth : 0", image)).intValue() > 0);
                assertThat(image.getSize().getWidth()).isPositive();
                assertThat(image.getSize().getHeight()).isPositive();
            }
            browser.screenshot(Path.of(System.getProperty("histoscope.screenshot-dir", "target/screenshots"))
                    .resolve("evaluation-charts.png"));
            page.logout();

            page.login("modelpath", "Model-Path-Passphrase-1");
            page.open("/admin/models");
            assertThat(page.bodyText()).doesNotContain("Add a model package");
        }
    }
}
