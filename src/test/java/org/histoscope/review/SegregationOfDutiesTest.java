package org.histoscope.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.Sex;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Segregation of duties (21 CFR 11.10(g)): someone holding both PATHOLOGIST and REVIEWER who requested a prediction
 * does not sign it, nor sign out a case whose only signatures are their own, unless an administrator allowed it;
 * then the signature record says so.
 */
@SpringBootTest
class SegregationOfDutiesTest {

    static final String BOTH = "dual";
    static final String PASSWORD = "Dual-Role-Pathologist-7";
    static final String OTHER = "second.reader";
    static final String OTHER_PASSWORD = "Second-Reader-Passphrase";

    static final FinalDiagnosisForm FINAL = new FinalDiagnosisForm(false, null, null, "Basal cell carcinoma, no IDC",
            SignatureMeaning.APPROVED, null);

    @Autowired
    ReviewQueueService reviews;
    @Autowired
    ReviewSigningService signing;
    @Autowired
    NotAssessableService marks;
    @Autowired
    CaseFinalizationService finalization;
    @Autowired
    CaseService cases;
    @Autowired
    UserAccountService users;
    @Autowired
    SecuritySettingsService settings;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.histoscope.reports.CaseReportService reports;

    @BeforeEach
    void accounts() {
        if (TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(BOTH).isEmpty())) {
            TestAccounts.createReadyUser(users, BOTH, PASSWORD, Roles.PATHOLOGIST, Roles.REVIEWER);
            TestAccounts.createReadyUser(users, OTHER, OTHER_PASSWORD, Roles.REVIEWER);
        }
    }

    @AfterEach
    void defaultSetting() {
        ActingAs.run("ada", () -> settings.setRequesterMaySign(false, "back to the default"), Roles.ADMIN);
    }

    long caseOf(String accession) {
        return ActingAs.user(BOTH, () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Dual Patient",
                    LocalDate.of(1971, 7, 7), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Skin punch", null, null, null)).id();
        }, Roles.PATHOLOGIST, Roles.REVIEWER);
    }

    /** A stored prediction requested by {@code requester}, announced to the review queue as the job runner does. */
    long predictionRequestedBy(long caseId, String requester) {
        String name = "sod-" + java.util.UUID.randomUUID() + ".png";
        long imageId = RealRows.image(jdbc, caseId, name);
        long jobId = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        Long id = jdbc.queryForObject("""
                INSERT INTO prediction (case_id, image_id, job_id, probability, class_probabilities, threshold, label,
                                        positive, model_id, model_version, device, mode, decode_ms, infer_ms,
                                        created_by, created_at)
                VALUES (?, ?, ?, 0.9, '{"normal": 0.1, "tumor": 0.9}'::jsonb, 0.5, 'tumor', true, 'm', '1', 'CPU',
                        'PATCH', 1, 1, ?, now())
                RETURNING id""", Long.class, caseId, imageId, jobId, requester);
        jdbc.update("UPDATE prediction_job SET status = 'DONE', prediction_id = ?, progress = 1 WHERE id = ?", id, jobId);
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ? AND status = 'OPEN'", caseId);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(id, caseId, "ACC",
                imageId, name, 0.9, 0.5, "tumor", "m", "1", Instant.now(), false)));
        return id;
    }

    SignedReview signAs(String user, String password, long predictionId) {
        return ActingAs.user(user, () -> signing.sign(new ReviewRequest(predictionId, ReviewDecision.AGREE, "tumor",
                "Basal cell carcinoma", null, SignatureMeaning.REVIEWED, null), password), Roles.PATHOLOGIST, Roles.REVIEWER);
    }

    /** The case's responsible pathologist (BOTH created it, nobody is assigned) finalizes it. */
    FinalDiagnosis finalizeAsResponsible(long caseId) {
        return ActingAs.user(BOTH, () -> finalization.finalizeCase(caseId, FINAL, PASSWORD), Roles.PATHOLOGIST,
                Roles.REVIEWER);
    }

    CaseStatus statusOf(long caseId) {
        return ActingAs.user(OTHER, () -> cases.findCase(caseId), Roles.REVIEWER).orElseThrow().status();
    }

    @Test
    void theRequesterOfAPredictionMayNotSignItButAnotherReviewerMay() {
        long caseId = caseOf("SOD-1");
        long prediction = predictionRequestedBy(caseId, BOTH);
        assertThatThrownBy(() -> signAs(BOTH, PASSWORD, prediction))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
        SignedReview signed = ActingAs.user(OTHER, () -> signing.sign(new ReviewRequest(prediction,
                ReviewDecision.AGREE, "tumor", "Basal cell carcinoma", null, SignatureMeaning.REVIEWED, null),
                OTHER_PASSWORD), Roles.REVIEWER);
        assertThat(signed.signedByRequester()).isFalse();
    }

    @Test
    void theRequesterMayNotFinalizeACaseWhoseOnlySignaturesAreTheirs() {
        ActingAs.run("ada", () -> settings.setRequesterMaySign(true, "single-handed weekend cover"), Roles.ADMIN);
        long caseId = caseOf("SOD-2");
        long prediction = predictionRequestedBy(caseId, BOTH);
        SignedReview own = signAs(BOTH, PASSWORD, prediction);
        assertThat(own.signedByRequester()).isTrue();
        assertThat(own.segregationNote()).contains("allowed by the department setting changed by ada");
        assertThat(ActingAs.user(OTHER, () -> reviews.reviewsOfCase(caseId), Roles.REVIEWER))
                .extracting(SignedReview::segregationNote).allMatch(note -> note.contains("requester"));

        ActingAs.run("ada", () -> settings.setRequesterMaySign(false, "the second pathologist is back"), Roles.ADMIN);
        assertThatThrownBy(() -> finalizeAsResponsible(caseId))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
        assertThat(statusOf(caseId)).isNotEqualTo(CaseStatus.SIGNED_OUT);
        // a second person's signature on the case (the other reviewer amends the review) lets its pathologist finalize
        ActingAs.user(OTHER, () -> signing.sign(new ReviewRequest(prediction, ReviewDecision.AGREE, "tumor",
                "Basal cell carcinoma, confirmed", null, SignatureMeaning.APPROVED, own.id()), OTHER_PASSWORD),
                Roles.REVIEWER);
        assertThat(finalizeAsResponsible(caseId).segregationNote()).isNull();
        assertThat(statusOf(caseId)).isEqualTo(CaseStatus.SIGNED_OUT);
    }

    /** An image the user uploaded whose prediction, requested by them too, failed: it has no result to review. */
    long failedImageOf(long caseId, String uploader) {
        Long imageId = jdbc.queryForObject("""
                INSERT INTO case_image (case_id, original_filename, sha256, size_bytes, format, width, height,
                                        uploaded_by, uploaded_at)
                VALUES (?, 'no-tissue.png', ?, 1, 'PNG', 50, 50, ?, now()) RETURNING id""", Long.class, caseId,
                (java.util.UUID.randomUUID().toString() + java.util.UUID.randomUUID()).replace("-", "").substring(0, 64),
                uploader);
        jdbc.update("""
                INSERT INTO prediction_job (case_id, image_id, rerun, status, attempts, error_message, requested_by,
                                            requested_at)
                VALUES (?, ?, FALSE, 'FAILED', 1, 'No tissue found', ?, now())""", caseId, imageId, uploader);
        // as after the case's other images were scored: reviewers work on cases in review
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ? AND status = 'OPEN'", caseId);
        return imageId;
    }

    NotAssessableMark markAs(String user, String password, long imageId) {
        return ActingAs.user(user, () -> marks.markNotAssessable(imageId, "No tissue in the image",
                SignatureMeaning.REVIEWED, password), Roles.PATHOLOGIST, Roles.REVIEWER);
    }

    /** Issue #24 item 1: "not assessable" counted toward sign-out without any requester check. */
    @Test
    void theUploaderMayNotMarkTheirOwnImageNotAssessableNorFinalizeTheCaseAlone() {
        long caseId = caseOf("SOD-3");
        long image = failedImageOf(caseId, BOTH);

        assertThatThrownBy(() -> markAs(BOTH, PASSWORD, image))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM not_assessable_image WHERE image_id = ?", Long.class, image))
                .isZero();

        NotAssessableMark byAnother = markAs(OTHER, OTHER_PASSWORD, image);
        assertThat(byAnother.signedByRequester()).isFalse();
        // a reviewer does not finalize; the responsible pathologist does, with another person's signature on the case
        assertThatThrownBy(() -> ActingAs.user(OTHER, () -> finalization.finalizeCase(caseId, FINAL, OTHER_PASSWORD),
                Roles.REVIEWER)).isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        finalizeAsResponsible(caseId);
        assertThat(statusOf(caseId)).isEqualTo(CaseStatus.SIGNED_OUT);
    }

    @Test
    void anAllowedOwnMarkIsStatedWithItsSignatureButTheCaseStillNeedsASecondPerson() {
        ActingAs.run("ada", () -> settings.setRequesterMaySign(true, "single-handed weekend cover"), Roles.ADMIN);
        long caseId = caseOf("SOD-4");
        long image = failedImageOf(caseId, BOTH);
        NotAssessableMark own = markAs(BOTH, PASSWORD, image);
        assertThat(own.segregationNote()).contains("uploaded the image", "changed by ada");
        assertThat(ActingAs.user(OTHER, () -> marks.notAssessableOfCase(caseId), Roles.REVIEWER))
                .extracting(NotAssessableMark::segregationNote).containsExactly(own.segregationNote());

        ActingAs.run("ada", () -> settings.setRequesterMaySign(false, "the second pathologist is back"), Roles.ADMIN);
        // the only signature on the case is the requester's own mark: they may not finalize it alone
        assertThatThrownBy(() -> finalizeAsResponsible(caseId))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
    }

    @Test
    void anAllowedOwnFinalizationIsStatedOnTheCaseAndInTheReport() throws Exception {
        ActingAs.run("ada", () -> settings.setRequesterMaySign(true, "single-handed weekend cover"), Roles.ADMIN);
        long caseId = caseOf("SOD-5");
        long image = failedImageOf(caseId, BOTH);
        markAs(BOTH, PASSWORD, image);
        assertThat(finalizeAsResponsible(caseId).segregationNote()).contains("Finalized by the requester");
        assertThat(ActingAs.user(OTHER, () -> finalization.finalizationSegregationNote(caseId), Roles.REVIEWER))
                .hasValueSatisfying(note -> assertThat(note).contains("Finalized by the requester"));

        byte[] pdf = ActingAs.user(BOTH, () -> reports.downloadLatest(caseId), Roles.PATHOLOGIST, Roles.REVIEWER)
                .orElseThrow().pdf();
        try (var document = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(document).replaceAll("\\s+", " ");
            assertThat(text).contains("Not assessable: No tissue in the image",
                    "Signed by the person who uploaded the image or requested its prediction; allowed by the "
                            + "department setting changed by ada",
                    "Finalized by the requester of the case's work");
        }
    }

    @Test
    void theSettingIsTheAdministratorsAndEveryChangeIsAudited() {
        assertThatThrownBy(() -> ActingAs.run(BOTH, () -> settings.setRequesterMaySign(true, "me"), Roles.REVIEWER))
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        ActingAs.run("ada", () -> settings.setRequesterMaySign(true, "small department"), Roles.ADMIN);
        List<String> actions = jdbc.queryForList(
                "SELECT action FROM audit_event WHERE target_id = 'requester-may-sign' ORDER BY id", String.class);
        assertThat(actions).contains("SECURITY_SETTING_CHANGED");
    }
}
