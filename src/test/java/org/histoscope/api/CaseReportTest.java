package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The signed case report: made on finalization (the responsible pathologist's signed final diagnosis first), its
 * text (read back with PDFBox) carries the diagnoses, signers and
 * probabilities, its SHA-256 matches the stored one, and an amendment makes version 2 while version 1 stays.
 */
class CaseReportTest extends ApiTestContext {

    private static final String REVIEWER = "revvy";
    private static final String PATHOLOGIST = "pathy";
    private static final String PASSWORD = "Report-Test-Password-2026";

    @Autowired
    UserAccountService accounts;
    @Autowired
    ReviewSigningService reviews;
    @Autowired
    CaseFinalizationService finalization;
    @Autowired
    org.histoscope.cases.CaseService cases;
    @Autowired
    org.histoscope.cases.CaseImageService images;

    @Test
    void signOutMakesASignedReportAndAnAmendmentMakesANewVersion() throws Exception {
        TestAccounts.createReadyUser(accounts, REVIEWER, PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, PATHOLOGIST, PASSWORD, Roles.PATHOLOGIST);
        ApiHttp lis = client(Roles.PATHOLOGIST);
        String key = UUID.randomUUID().toString().substring(0, 6);
        long patientId = lis.postJson("/api/v1/patients", Map.of("mrn", "REP-" + key, "fullName", "Ελένη Παπαδοπούλου",
                "dateOfBirth", "1948-09-30", "sex", "FEMALE")).json().get("id").asLong();
        long caseId = lis.postJson("/api/v1/cases", Map.of("accessionNumber", "R26-" + key, "patientId", patientId,
                "specimen", "Sentinel lymph node", "clinicalNotes", "Known invasive carcinoma, staging")).json()
                .get("id").asLong();
        long patchJob = lis.postMultipart("/api/v1/cases/" + caseId + "/images", "node-patch.png", resource(PATCH))
                .json().get("job").get("id").asLong();
        long wholeJob = lis.postRaw("/api/v1/cases/" + caseId + "/images?fileName=node-region.png", "image/png",
                tiledImage(6)).json().get("job").get("id").asLong();
        for (long job : List.of(patchJob, wholeJob)) {
            await("job " + job, Duration.ofSeconds(120),
                    () -> lis.get("/api/v1/jobs/" + job).json().get("status").asText().equals("DONE"));
        }
        JsonNode patchResult = lis.get("/api/v1/results/" + lis.get("/api/v1/jobs/" + patchJob).json()
                .get("predictionId").asLong()).json();
        JsonNode wholeResult = lis.get("/api/v1/results/" + lis.get("/api/v1/jobs/" + wholeJob).json()
                .get("predictionId").asLong()).json();

        SignedReview first = sign(agree(patchResult, "Metastatic ductal carcinoma in lymph node", null));
        sign(agree(wholeResult, "Carcinoma deposits, largest 1.2 mm", null));
        assertThat(lis.get("/api/v1/cases/" + caseId + "/reports").json()).isEmpty();
        // the LIS created the case: an administrator assigns its pathologist of record, who finalizes it; the
        // reviewer may not finalize
        TestAccounts.runAs("report-admin", Set.of(Roles.ADMIN), () -> cases.reassign(caseId, PATHOLOGIST,
                "pathologist of record"));
        FinalDiagnosisForm diagnosis = new FinalDiagnosisForm(true, new java.math.BigDecimal("3.5"),
                new java.math.BigDecimal("20"), "Metastatic ductal carcinoma in one sentinel node (pN1a)",
                SignatureMeaning.APPROVED, null);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER),
                () -> finalization.finalizeCase(caseId, diagnosis, PASSWORD)))
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.finalizeCase(caseId, diagnosis,
                PASSWORD));

        JsonNode versions = lis.get("/api/v1/cases/" + caseId + "/reports").json();
        assertThat(versions).hasSize(1);
        ApiHttp.Response v1 = lis.get("/api/v1/cases/" + caseId + "/report");
        assertThat(v1.status()).isEqualTo(200);
        assertThat(v1.contentType()).isEqualTo("application/pdf");
        String sha1 = sha256(v1.body());
        assertThat(versions.get(0).get("sha256").asText()).isEqualTo(sha1);
        assertThat(jdbc.queryForObject("SELECT sha256 FROM case_report WHERE case_id = ? AND version = 1", String.class,
                caseId)).isEqualTo(sha1);
        assertThat(v1.headers().firstValue("Repr-Digest")).hasValue(
                "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha1)) + ":");

        String text = text(v1.body());
        assertThat(text).contains("Ελένη Παπαδοπούλου", "REP-" + key, "R26-" + key, "Sentinel lymph node",
                "node-patch.png", "node-region.png",
                "Metastatic ductal carcinoma in lymph node", "Carcinoma deposits, largest 1.2 mm",
                "Signed: Dr Revvy, ", "meaning: Reviewed", "All times in this report are in UTC.",
                "computed on CPU", "Heatmap scale",
                decimal(patchResult.get("probability").asDouble()), decimal(wholeResult.get("probability").asDouble()),
                "threshold " + decimal(patchResult.get("threshold").asDouble()),
                "xception-nasnetmobile-idc", "research / decision support demo; not a medical device");
        assertThat(text).contains("Amendments").contains("None.");
        // the heatmap's legend names the mark drawn on its bar (issue 26: one scale with its threshold everywhere)
        assertThat(text).containsPattern("Heatmap scale: probability of IDC per tile, 0 \\(blue\\) to 1 \\(red\\); "
                + "line: (tile )?threshold [0-9]");
        // the case-level final diagnosis and the finalizing signature come first, then the per-image diagnoses,
        // then the patient and the per-image details
        assertThat(text).contains("Final diagnosis Invasive ductal carcinoma present, largest focus 3.5 mm, 20 % of "
                + "the tissue. Metastatic ductal carcinoma in one sentinel node (pN1a) Finalized and signed: Dr Pathy, ");
        assertThat(text.indexOf("Final diagnosis Invasive ductal carcinoma present")).isPositive()
                .isLessThan(text.indexOf("Diagnoses per image"));
        assertThat(text.indexOf("Diagnoses per image")).isLessThan(text.indexOf("Patient Name"));
        assertThat(text).contains("finalized by Dr Pathy");
        assertThat(text).contains("node-patch.png: Metastatic ductal carcinoma in lymph node — final label "
                + patchResult.get("label").asText());
        // written for clinical readers: no raw ONNX Runtime error, no enum names, no logins, no card keys, no ids
        assertThat(text).doesNotContain("CUDA unavailable", "ORT_", "SIGNED_OUT", "IN_REVIEW", "AGREE", "PATCH",
                "WHOLE_IMAGE", "(revvy)", "calibration.prevalence", "Result " + patchResult.get("id").asLong(),
                "Review " + first.id());
        try (PDDocument pdf = Loader.loadPDF(v1.body())) {
            int pictures = 0;
            for (var page : pdf.getPages()) {
                for (var name : page.getResources().getXObjectNames()) {
                    pictures++;
                }
            }
            // a thumbnail for each of the two images, the whole-image result's heatmap and its colour scale
            assertThat(pictures).isEqualTo(4);
        }

        // a finalized case takes no more images, not even from its pathologist
        assertThat(TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> {
            try {
                return images.upload(caseId, "late.png", new java.io.ByteArrayInputStream(distinctPatch(7)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).message()).isEqualTo("late.png was not accepted: the case is finalized; no more images can be added.");

        sign(new ReviewRequest(patchResult.get("id").asLong(), ReviewDecision.AGREE, first.finalLabel(),
                "Isolated tumour cells only (amended after levels)", "levels cut", SignatureMeaning.APPROVED, first.id(),
                true));
        JsonNode afterAmendment = lis.get("/api/v1/cases/" + caseId + "/reports").json();
        assertThat(afterAmendment).hasSize(2);
        assertThat(afterAmendment.get(0).get("sha256").asText()).isEqualTo(sha1);
        ApiHttp.Response oldVersion = lis.get("/api/v1/cases/" + caseId + "/reports/1");
        assertThat(sha256(oldVersion.body())).isEqualTo(sha1);
        ApiHttp.Response v2 = lis.get("/api/v1/cases/" + caseId + "/reports/2");
        assertThat(sha256(v2.body())).isEqualTo(afterAmendment.get(1).get("sha256").asText());
        assertThat(text(v2.body())).contains("Report version: 2", "Isolated tumour cells only (amended after levels)",
                "node-patch.png: final diagnosis amended to Isolated tumour cells only (amended after levels)",
                "amendment signed by Dr Revvy", "meaning: Approved", "Metastatic ductal carcinoma in lymph node");
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'REPORT_GENERATED'", caseId))
                .isEqualTo(2);
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'REPORT_DOWNLOADED'", caseId))
                .isEqualTo(3);

        // amending the final diagnosis keeps the old version (in the database and in the report) and makes version 3
        TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.amendFinalDiagnosis(caseId,
                new FinalDiagnosisForm(true, new java.math.BigDecimal("0.8"), null, "Micrometastasis only (pN1mi)",
                        SignatureMeaning.APPROVED, "deeper levels measured"), PASSWORD));
        ApiHttp.Response v3 = lis.get("/api/v1/cases/" + caseId + "/reports/3");
        String text3 = text(v3.body());
        assertThat(text3).contains("Final diagnosis Invasive ductal carcinoma present, largest focus 0.8 mm. "
                        + "Micrometastasis only (pN1mi) Amended and signed: Dr Pathy",
                "Reason for the amendment: deeper levels measured",
                "Final diagnosis amended from \"Invasive ductal carcinoma present, largest focus 3.5 mm, 20 % of the "
                        + "tissue. Metastatic ductal carcinoma in one sentinel node (pN1a)\"",
                "final diagnosis amended by Dr Pathy");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_finalization WHERE case_id = ?", Long.class, caseId))
                .isEqualTo(2);
        assertThatThrownByUpdate(caseId);
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'CASE_FINALIZATION_AMENDED'",
                caseId)).isEqualTo(1);
    }

    /** A signed final diagnosis never changes in the database either. */
    private void assertThatThrownByUpdate(long caseId) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.update(
                "UPDATE case_finalization SET diagnosis = 'x' WHERE case_id = ?", caseId))
                .isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
    }

    private SignedReview sign(ReviewRequest request) {
        return TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> reviews.sign(request, PASSWORD));
    }

    private static ReviewRequest agree(JsonNode result, String diagnosis, Long amends) {
        // the synthetic patches may lie outside the domain guard's training domain (since model 2.3.1): the reviewer has
        // read the warning (for a result inside the domain the acknowledgement is not stored)
        return new ReviewRequest(result.get("id").asLong(), ReviewDecision.AGREE, result.get("label").asText(), diagnosis,
                null, SignatureMeaning.REVIEWED, amends, true);
    }

    private static String text(byte[] pdf) throws Exception {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
        }
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
