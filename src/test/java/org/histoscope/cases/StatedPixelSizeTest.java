package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.histoscope.testsupport.TestCases;

/**
 * The pixel size stated at upload reaches the prediction job when the file has none, and the file's own wins
 * otherwise. On the tiny test model (trained at 2 µm/px, 50 px input) the tile side in image pixels shows which
 * pixel size the job used: 50 * 2 / µm-per-pixel.
 */
class StatedPixelSizeTest extends TinyModelsContext {

    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    PredictionService predictions;

    @Test
    void aStatedObjectiveIsUsedForAFileWithoutPixelSize() throws Exception {
        long caseId = newCase("PX-1");
        byte[] mosaic = CaseImageAndJobTest.mosaic(12);
        UploadOutcome stated = upload(caseId, "at-10x.png", mosaic, StatedPixelSize.objective(10));
        assertThat(stated.image().resolution()).isEqualTo("1.0000 µm/px (stated: 10x objective)");
        assertThat(tileSide(caseId, stated)).isEqualTo(100);

        long otherCase = newCase("PX-2");
        UploadOutcome unstated = upload(otherCase, "unknown.png", mosaic, null);
        assertThat(unstated.image().resolution()).isNull();
        assertThat(tileSide(otherCase, unstated)).isEqualTo(50);
    }

    @Test
    void aFilesOwnPixelSizeWinsOverTheStatedOne() throws Exception {
        long caseId = newCase("PX-3");
        byte[] svs = Files.readAllBytes(Path.of(getClass().getResource("/images/formats/aperio-jpeg.svs").toURI()));
        UploadOutcome outcome = upload(caseId, "slide.svs", svs, StatedPixelSize.micronsPerPixel(0.25));
        assertThat(outcome.image().resolution()).isEqualTo("0.4990 µm/px");
        assertThat(tileSide(caseId, outcome)).isEqualTo(200); // 50 * 2 / 0.499
    }

    @Test
    void anImageOfUnknownPixelSizeIsAnalysedAtTheModelsAndSaysSo() throws Exception {
        long caseId = newCase("PX-4");
        UploadOutcome unstated = upload(caseId, "unknown.png", CaseImageAndJobTest.mosaic(4), null);
        StoredPrediction prediction = prediction(caseId, unstated);
        assertThat(prediction.assessment().pixelSizeAssumed()).isTrue();
        assertThat(prediction.assessment().pixelSizeNote()).isEqualTo("pixel size unknown: assumed 2.0 µm/px");
        assertThat(prediction.assessment().analysedMicronsPerPixel()).isEqualTo(2.0);

        long stated = newCase("PX-5");
        StoredPrediction known = prediction(stated, upload(stated, "at-20x.png", CaseImageAndJobTest.mosaic(4),
                StatedPixelSize.objective(20)));
        assertThat(known.assessment().pixelSizeAssumed()).isFalse();
        assertThat(known.assessment().pixelSizeNote()).isEqualTo("0.5000 µm/px (stated at upload), analysed at 2.0 µm/px");
    }

    @Test
    void anImageSmallerThanOnePatchAtTheModelsResolutionIsRefusedAtUpload() throws Exception {
        long caseId = newCase("PX-6");
        byte[] small = CaseImageAndJobTest.mosaic(1); // 50 x 50 pixels
        // at 1 µm/px one 2 µm/px model patch covers 100 x 100 image pixels: too small, never queued
        UploadOutcome refused = upload(caseId, "small-at-10x.png", small, StatedPixelSize.objective(10));
        assertThat(refused.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(refused.message()).contains("too small to analyse").contains("50 x 50 pixels")
                .contains("100 x 100").contains("at the model's 2.0 µm/px (the image's pixel size: 1.0000 µm/px)");
        assertThat(refused.text().in(java.util.Locale.GERMAN)).as("a German user reads it in German")
                .contains("das Bild ist zu klein für die Analyse: 50 x 50 Pixel")
                .contains("bei der Auflösung des Modells von 2,0 µm/px (Pixelgröße des Bildes: 1,0000 µm/px)");
        assertThat(ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST)).isEmpty();
        // at the model's own resolution the same pixels are one whole patch
        UploadOutcome accepted = upload(caseId, "small-at-2um.png", small, StatedPixelSize.micronsPerPixel(2.0));
        assertThat(accepted.result()).isEqualTo(UploadOutcome.Result.STORED);
    }

    @Autowired
    DepartmentPixelSizeService departmentPixelSize;

    @Test
    void theDepartmentsDefaultPixelSizeIsUsedForFilesWithoutOneAndItsChangesAreAudited() throws Exception {
        ActingAs.user("ada", () -> departmentPixelSize.set(1.0, "our scanner exports PNG at 10x"), Roles.ADMIN);
        try {
            long caseId = newCase("PX-7");
            UploadOutcome upload = upload(caseId, "from-scanner.png", CaseImageAndJobTest.mosaic(4), null);
            StoredPrediction prediction = prediction(caseId, upload);
            assertThat(prediction.tileStatistics().tileSizePixels()).isEqualTo(100); // 50 * 2 / 1.0
            assertThat(prediction.assessment().pixelSizeNote())
                    .isEqualTo("1.0000 µm/px (the department's default), analysed at 2.0 µm/px");
            assertThatThrownBy(() -> ActingAs.user("patty", () -> departmentPixelSize.set(0.5, "mine"),
                    Roles.PATHOLOGIST)).isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
            assertThatThrownBy(() -> ActingAs.user("ada", () -> departmentPixelSize.set(500.0, "typo"), Roles.ADMIN))
                    .isInstanceOf(CaseRuleException.class).hasMessageContaining("between 0.05 and 50");
        } finally {
            ActingAs.user("ada", () -> departmentPixelSize.set(null, "test done"), Roles.ADMIN);
        }
        java.util.Optional<DepartmentPixelSizeService.DefaultPixelSize> after =
                ActingAs.user("ada", () -> departmentPixelSize.current(), Roles.ADMIN);
        assertThat(after).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'DEFAULT_PIXEL_SIZE_CHANGED'",
                Long.class)).isGreaterThanOrEqualTo(2);
    }

    @Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    private StoredPrediction prediction(long caseId, UploadOutcome outcome) throws InterruptedException {
        long jobId = outcome.job().id();
        CaseImageAndJobTest.await("the job to finish", () -> job(jobId, caseId).status() == JobStatus.DONE);
        return ActingAs.user("patty", () -> predictions.find(job(jobId, caseId).predictionId()), Roles.PATHOLOGIST)
                .orElseThrow();
    }

    private int tileSide(long caseId, UploadOutcome outcome) throws InterruptedException {
        long jobId = outcome.job().id();
        CaseImageAndJobTest.await("the job to finish", () -> job(jobId, caseId).status() == JobStatus.DONE);
        StoredPrediction prediction = ActingAs.user("patty",
                () -> predictions.find(job(jobId, caseId).predictionId()), Roles.PATHOLOGIST).orElseThrow();
        return prediction.tileStatistics().tileSizePixels();
    }

    private JobSummary job(long jobId, long caseId) {
        return ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST).stream()
                .filter(j -> j.id() == jobId).findFirst().orElseThrow();
    }

    private long newCase(String accession) {
        return TestCases.newCase(cases, accession);
    }

    private UploadOutcome upload(long caseId, String name, byte[] content, StatedPixelSize stated) {
        return ActingAs.user("patty", () -> {
            try (InputStream in = new ByteArrayInputStream(content)) {
                return images.upload(caseId, name, in, stated);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
    }
}
