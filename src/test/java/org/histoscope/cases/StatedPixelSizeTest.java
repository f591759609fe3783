package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

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
        return ActingAs.user("patty", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Test Patient",
                    LocalDate.of(1960, 1, 1), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Breast", null, null, null)).id();
        }, Roles.PATHOLOGIST);
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
