package org.histoscope.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.transaction.support.TransactionTemplate;
import org.histoscope.testsupport.TestCases;

/**
 * Reviews on a real PostgreSQL: electronic signatures with password re-entry, immutability of signed reviews in
 * the service and in the database, amendments, roles, the queue's filters and ordering, and case finalization (more in CaseFinalizationTest).
 * Queue entries are created through the same event the prediction jobs publish.
 */
@SpringBootTest
class ReviewServiceTest {

    static final String REVIEWER = "rita";
    static final String PASSWORD = "Correct-Horse-Battery-42";

    static final String PATHOLOGIST = "patty";
    static final FinalDiagnosisForm FINAL = new FinalDiagnosisForm(true, new java.math.BigDecimal("4.5"), null,
            "Invasive ductal carcinoma, grade 2", SignatureMeaning.APPROVED, null);

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
    AuditService audit;
    @Autowired
    UserAccountService users;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void accounts() {
        boolean exists = TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(REVIEWER).isPresent());
        if (!exists) {
            TestAccounts.createReadyUser(users, REVIEWER, PASSWORD, Roles.REVIEWER);
        }
        if (!TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(PATHOLOGIST).isPresent())) {
            TestAccounts.createReadyUser(users, PATHOLOGIST, PASSWORD, Roles.PATHOLOGIST);
        }
    }

    long newCase(String accession) {
        return TestCases.newCase(cases, accession);
    }

    /** A stored result (real image, job and prediction rows), announced as the job runner announces it. */
    long result(long caseId, double probability, String label, String model, Instant at) {
        String name = "img-" + java.util.UUID.randomUUID() + ".png";
        long imageId = RealRows.image(jdbc, caseId, name);
        long predictionId = RealRows.prediction(jdbc, caseId, imageId, probability, label);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                "ACC", imageId, name, probability, 0.5, label, model, "1.0", at, false)));
        return predictionId;
    }

    SignedReview sign(ReviewRequest request, String password) {
        return ActingAs.user(REVIEWER, () -> signing.sign(request, password), Roles.REVIEWER);
    }

    static ReviewRequest agree(long predictionId, String label) {
        return new ReviewRequest(predictionId, ReviewDecision.AGREE, label, "Invasive ductal carcinoma", "clear case",
                SignatureMeaning.REVIEWED, null);
    }

    @Test
    void aSignatureCarriesPrintedNameUtcTimeAndMeaningAndIsAudited() {
        long caseId = newCase("RV-1");
        long prediction = result(caseId, 0.91, "tumor", "idc-net", Instant.now());
        Instant before = Instant.now().minusSeconds(1);

        SignedReview signed = sign(agree(prediction, "tumor"), PASSWORD);

        assertThat(signed.signerName()).isEqualTo("Dr Rita");
        assertThat(signed.signedBy()).isEqualTo(REVIEWER);
        assertThat(signed.meaning()).isEqualTo(SignatureMeaning.REVIEWED);
        assertThat(signed.signedAt()).isBetween(before, Instant.now().plusSeconds(1));
        QueueEntry entry = ActingAs.user(REVIEWER, () -> reviews.entry(prediction), Roles.REVIEWER).orElseThrow();
        assertThat(entry.reviewed()).isTrue();
        assertThat(entry.disagreement()).isFalse();
        List<AuditEntry> timeline = ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER);
        assertThat(timeline).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("REVIEW_SIGNED");
            assertThat(e.actor()).isEqualTo(REVIEWER);
            assertThat(e.detailsJson()).contains("Dr Rita").contains("Reviewed");
        });
    }

    @Test
    void aWrongPasswordSignsNothingAndIsAudited() {
        long caseId = newCase("RV-2");
        long prediction = result(caseId, 0.2, "normal", "idc-net", Instant.now());

        assertThatThrownBy(() -> sign(agree(prediction, "normal"), "not-my-password"))
                .isInstanceOf(SignatureRejectedException.class);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM review WHERE prediction_id = ?", Long.class, prediction)).isZero();
        assertThat(ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER))
                .extracting(AuditEntry::action).contains("SIGNATURE_REJECTED");
    }

    @Test
    void aPathologistCannotSignAndAnAdministratorCannotReadTheQueue() {
        long caseId = newCase("RV-3");
        long prediction = result(caseId, 0.7, "tumor", "idc-net", Instant.now());
        assertThatThrownBy(() -> ActingAs.user("patty", () -> signing.sign(agree(prediction, "tumor"), PASSWORD),
                Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("adam", () -> reviews.countQueue(QueueFilter.all()), Roles.ADMIN))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> finalization.finalizeCase(caseId, FINAL, PASSWORD),
                Roles.REVIEWER)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aSignedReviewCannotBeSignedOverOnlyAmended() {
        long caseId = newCase("RV-4");
        long prediction = result(caseId, 0.8, "tumor", "idc-net", Instant.now());
        SignedReview original = sign(agree(prediction, "tumor"), PASSWORD);

        assertThatThrownBy(() -> sign(agree(prediction, "tumor"), PASSWORD))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("cannot be changed");

        SignedReview amendment = sign(new ReviewRequest(prediction, ReviewDecision.OVERRIDE, "normal",
                "Reactive changes only", "on second look", SignatureMeaning.APPROVED, original.id()), PASSWORD);
        assertThat(amendment.amendsReviewId()).isEqualTo(original.id());
        assertThat(ActingAs.user(REVIEWER, () -> reviews.reviewsOf(prediction), Roles.REVIEWER))
                .extracting(SignedReview::id).containsExactly(original.id(), amendment.id());
        assertThat(ActingAs.user(REVIEWER, () -> reviews.entry(prediction), Roles.REVIEWER).orElseThrow())
                .satisfies(entry -> {
                    assertThat(entry.finalLabel()).isEqualTo("normal");
                    assertThat(entry.disagreement()).isTrue();
                    assertThat(entry.latestReviewId()).isEqualTo(amendment.id());
                });
        assertThatThrownBy(() -> sign(new ReviewRequest(prediction, ReviewDecision.AGREE, "tumor", "x", null,
                SignatureMeaning.REVIEWED, original.id()), PASSWORD))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("latest");
        assertThat(jdbc.queryForObject("SELECT final_label FROM review WHERE id = ?", String.class, original.id()))
                .isEqualTo("tumor");
    }

    @Test
    void theDatabaseRejectsUpdatesAndDeletesOfSignedReviews() {
        long caseId = newCase("RV-5");
        long prediction = result(caseId, 0.6, "tumor", "idc-net", Instant.now());
        SignedReview signed = sign(agree(prediction, "tumor"), PASSWORD);

        assertThatThrownBy(() -> jdbc.update("UPDATE review SET final_label = 'normal' WHERE id = ?", signed.id()))
                .isInstanceOf(DataIntegrityViolationException.class)
                .rootCause().hasMessageContaining("is signed and cannot be changed");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM review WHERE id = ?", signed.id()))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(jdbc.queryForObject("SELECT final_label FROM review WHERE id = ?", String.class, signed.id()))
                .isEqualTo("tumor");
    }

    @Test
    void agreeMustKeepTheModelsLabelAndOverrideMustChangeIt() {
        long caseId = newCase("RV-6");
        long prediction = result(caseId, 0.3, "normal", "idc-net", Instant.now());
        assertThatThrownBy(() -> sign(agree(prediction, "tumor"), PASSWORD))
                .isInstanceOf(ReviewRuleException.class);
        assertThatThrownBy(() -> sign(new ReviewRequest(prediction, ReviewDecision.OVERRIDE, "normal", "x", null,
                SignatureMeaning.REVIEWED, null), PASSWORD)).isInstanceOf(ReviewRuleException.class);
    }

    @Test
    void theQueueShowsUnreviewedFirstFiltersAndCanPutUncertainResultsFirst() {
        long caseId = newCase("RV-7");
        Instant now = Instant.now();
        long confident = result(caseId, 0.99, "tumor", "queue-model-a", now.minus(3, ChronoUnit.HOURS));
        long uncertain = result(caseId, 0.52, "tumor", "queue-model-a", now.minus(2, ChronoUnit.HOURS));
        long newest = result(caseId, 0.10, "normal", "queue-model-b", now.minus(1, ChronoUnit.HOURS));
        long reviewed = result(caseId, 0.49, "normal", "queue-model-a", now.minus(4, ChronoUnit.HOURS));
        sign(new ReviewRequest(reviewed, ReviewDecision.OVERRIDE, "tumor", "Carcinoma", null,
                SignatureMeaning.REVIEWED, null), PASSWORD);

        // the window keeps out results of other tests, which are all "now"
        QueueFilter all = new QueueFilter(null, null, now.minus(5, ChronoUnit.HOURS), now.minus(30, ChronoUnit.MINUTES), null, false,
                QueueFilter.QueueOrder.NEWEST);
        assertThat(queue(all)).containsExactly(newest, uncertain, confident, reviewed);
        QueueFilter uncertainFirst = new QueueFilter(null, null, now.minus(5, ChronoUnit.HOURS), now.minus(30, ChronoUnit.MINUTES), null, false,
                QueueFilter.QueueOrder.UNCERTAIN);
        assertThat(queue(uncertainFirst)).containsExactly(uncertain, newest, confident, reviewed);
        assertThat(queue(new QueueFilter(null, "queue-model-b", null, null, null, false, QueueFilter.QueueOrder.NEWEST)))
                .containsExactly(newest);
        assertThat(queue(new QueueFilter(false, "queue-model-a", null, null, "tumor", false, QueueFilter.QueueOrder.NEWEST)))
                .containsExactly(uncertain, confident);
        assertThat(queue(new QueueFilter(null, "queue-model-a", null, null, null, true, QueueFilter.QueueOrder.NEWEST)))
                .containsExactly(reviewed);
        assertThat(queue(new QueueFilter(null, "queue-model-a", now.minus(150, ChronoUnit.MINUTES),
                now.minus(90, ChronoUnit.MINUTES), null, false, QueueFilter.QueueOrder.NEWEST))).containsExactly(uncertain);
        assertThat(ActingAs.user(REVIEWER, () -> reviews.countQueue(all), Roles.REVIEWER)).isEqualTo(4);
    }

    List<Long> queue(QueueFilter filter) {
        return ActingAs.user(REVIEWER, () -> reviews.queue(filter, 0, 50), Roles.REVIEWER).stream()
                .map(QueueEntry::predictionId).toList();
    }

    FinalDiagnosis finalizeAs(String pathologist, long caseId) {
        return ActingAs.user(pathologist, () -> finalization.finalizeCase(caseId, FINAL, PASSWORD), Roles.PATHOLOGIST);
    }

    @Test
    void aCaseIsFinalizedOnlyWhenEveryResultIsSigned() {
        long caseId = newCase("RV-8");
        long first = result(caseId, 0.9, "tumor", "idc-net", Instant.now());
        long second = result(caseId, 0.1, "normal", "idc-net", Instant.now());
        sign(agree(first, "tumor"), PASSWORD);

        assertThatThrownBy(() -> finalizeAs(PATHOLOGIST, caseId))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("1 result(s)");
        sign(agree(second, "normal"), PASSWORD);
        assertThat(ActingAs.user(REVIEWER, () -> finalization.readyForFinalization(caseId), Roles.REVIEWER)).isTrue();

        assertThat(finalizeAs(PATHOLOGIST, caseId).version()).isEqualTo(1);
        assertThat(statusOf(caseId)).isEqualTo(CaseStatus.SIGNED_OUT);
        assertThat(ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER))
                .extracting(AuditEntry::action).contains("CASE_FINALIZED", "CASE_STATUS_CHANGED");
        assertThatThrownBy(() -> finalizeAs(PATHOLOGIST, caseId)).hasMessageContaining("already finalized");
    }

    @Test
    void onlyTheResponsiblePathologistFinalizesWithTheirPasswordAndAWholeDiagnosis() {
        long caseId = newCase("RV-14");
        sign(agree(result(caseId, 0.9, "tumor", "idc-net", Instant.now()), "tumor"), PASSWORD);
        String other = "percy";
        if (!TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(other).isPresent())) {
            TestAccounts.createReadyUser(users, other, PASSWORD, Roles.PATHOLOGIST);
        }
        // another pathologist of the department reads the case but does not finalize it
        assertThatThrownBy(() -> finalizeAs(other, caseId)).isInstanceOf(ReviewRuleException.class)
                .hasMessageContaining("Only the pathologist responsible for case RV-14");
        // a wrong password signs nothing and is audited
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.finalizeCase(caseId, FINAL, "wrong"),
                Roles.PATHOLOGIST)).isInstanceOf(SignatureRejectedException.class);
        // the structured fields follow the breast core biopsy report's rules
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.finalizeCase(caseId,
                new FinalDiagnosisForm(false, new java.math.BigDecimal("2"), null, "No carcinoma",
                        SignatureMeaning.APPROVED, null), PASSWORD), Roles.PATHOLOGIST))
                .hasMessageContaining("only where carcinoma is present");
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.finalizeCase(caseId,
                new FinalDiagnosisForm(null, null, null, "IDC", SignatureMeaning.APPROVED, null), PASSWORD),
                Roles.PATHOLOGIST)).hasMessageContaining("present or absent");
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.finalizeCase(caseId,
                new FinalDiagnosisForm(true, null, new java.math.BigDecimal("140"), "IDC", SignatureMeaning.APPROVED,
                        null), PASSWORD), Roles.PATHOLOGIST)).hasMessageContaining("at most 100");
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.amendFinalDiagnosis(caseId, FINAL
                .withReason("late levels"), PASSWORD), Roles.PATHOLOGIST)).hasMessageContaining("not finalized yet");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_finalization WHERE case_id = ?", Long.class, caseId))
                .isZero();
        assertThat(statusOf(caseId)).isNotEqualTo(CaseStatus.SIGNED_OUT);

        FinalDiagnosis signed = finalizeAs(PATHOLOGIST, caseId);
        assertThat(signed.signerName()).isEqualTo("Dr Patty");
        assertThat(signed.line()).isEqualTo("Invasive ductal carcinoma present, largest focus 4.5 mm. "
                + "Invasive ductal carcinoma, grade 2");
        assertThat(ActingAs.user(REVIEWER, () -> finalization.finalDiagnosisLine(caseId), Roles.REVIEWER))
                .hasValue(signed.line());
        // an amendment needs a reason and keeps the finalized version
        assertThatThrownBy(() -> ActingAs.user(PATHOLOGIST, () -> finalization.amendFinalDiagnosis(caseId, FINAL,
                PASSWORD), Roles.PATHOLOGIST)).hasMessageContaining("why the final diagnosis is amended");
        FinalDiagnosis amended = ActingAs.user(PATHOLOGIST, () -> finalization.amendFinalDiagnosis(caseId,
                new FinalDiagnosisForm(false, null, null, "Benign after review of levels", SignatureMeaning.APPROVED,
                        "levels show no invasion"), PASSWORD), Roles.PATHOLOGIST);
        assertThat(amended.version()).isEqualTo(2);
        assertThat(amended.amendsId()).isEqualTo(signed.id());
        assertThat(ActingAs.user(REVIEWER, () -> finalization.finalDiagnoses(caseId), Roles.REVIEWER))
                .extracting(FinalDiagnosis::diagnosis)
                .containsExactly("Invasive ductal carcinoma, grade 2", "Benign after review of levels");
        assertThat(ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER))
                .extracting(AuditEntry::action)
                .contains("SIGNATURE_REJECTED", "CASE_FINALIZED", "CASE_FINALIZATION_AMENDED");
    }

    FinalizationCheck check(long caseId) {
        return ActingAs.user(REVIEWER, () -> finalization.finalizationCheck(caseId), Roles.REVIEWER);
    }

    CaseStatus statusOf(long caseId) {
        return ActingAs.user(REVIEWER, () -> cases.findCase(caseId), Roles.REVIEWER).orElseThrow().status();
    }

    @Test
    void aCaseWithAnImageStillBeingPredictedCannotBeSignedOut() {
        long caseId = newCase("RV-9");
        sign(agree(result(caseId, 0.9, "tumor", "idc-net", Instant.now()), "tumor"), PASSWORD);
        long pending = RealRows.image(jdbc, caseId, "still-running.tif");
        long jobId = RealRows.job(jdbc, caseId, pending, "QUEUED");

        assertThatThrownBy(() -> finalizeAs(PATHOLOGIST, caseId))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("still-running.tif")
                .hasMessageContaining("still queued or running");
        jdbc.update("UPDATE prediction_job SET status = 'RUNNING' WHERE id = ?", jobId);
        assertThat(check(caseId).blockers()).singleElement().asString().contains("still queued or running");
        assertThat(check(caseId).markable()).isEmpty();
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> marks.markNotAssessable(pending, "unreadable",
                SignatureMeaning.REVIEWED, PASSWORD), Roles.REVIEWER)).hasMessageContaining("still queued or running");
        assertThat(statusOf(caseId)).isNotEqualTo(CaseStatus.SIGNED_OUT);
    }

    @Test
    void aFailedImageMustBeMarkedNotAssessableWithASignatureBeforeFinalization() {
        long caseId = newCase("RV-10");
        sign(agree(result(caseId, 0.9, "tumor", "idc-net", Instant.now()), "tumor"), PASSWORD);
        long failed = RealRows.image(jdbc, caseId, "blurred.tif");
        RealRows.job(jdbc, caseId, failed, "FAILED");

        assertThatThrownBy(() -> finalizeAs(PATHOLOGIST, caseId))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("blurred.tif: its prediction failed");
        assertThat(check(caseId).markable()).extracting(org.histoscope.cases.ImageSummary::id).containsExactly(failed);
        assertThatThrownBy(() -> ActingAs.user("patty", () -> marks.markNotAssessable(failed, "out of focus",
                SignatureMeaning.REVIEWED, PASSWORD), Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> marks.markNotAssessable(failed, "out of focus",
                SignatureMeaning.REVIEWED, "wrong"), Roles.REVIEWER)).isInstanceOf(SignatureRejectedException.class);
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> marks.markNotAssessable(failed, " ",
                SignatureMeaning.REVIEWED, PASSWORD), Roles.REVIEWER)).isInstanceOf(ReviewRuleException.class);

        NotAssessableMark mark = ActingAs.user(REVIEWER, () -> marks.markNotAssessable(failed,
                "Out of focus across the whole slide", SignatureMeaning.APPROVED, PASSWORD), Roles.REVIEWER);
        assertThat(mark.signerName()).isEqualTo("Dr Rita");
        assertThat(mark.meaning()).isEqualTo(SignatureMeaning.APPROVED);
        assertThatThrownBy(() -> jdbc.update("UPDATE not_assessable_image SET reason = 'x' WHERE id = ?", mark.id()))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> marks.markNotAssessable(failed, "again",
                SignatureMeaning.REVIEWED, PASSWORD), Roles.REVIEWER)).hasMessageContaining("already marked");

        finalizeAs(PATHOLOGIST, caseId);
        assertThat(statusOf(caseId)).isEqualTo(CaseStatus.SIGNED_OUT);
        assertThat(ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER))
                .extracting(AuditEntry::action).contains("IMAGE_MARKED_NOT_ASSESSABLE", "SIGNATURE_REJECTED");
    }

    @Test
    void anImageWithAResultCannotBeMarkedNotAssessable() {
        long caseId = newCase("RV-11");
        long prediction = result(caseId, 0.9, "tumor", "idc-net", Instant.now());
        long imageId = ActingAs.user(REVIEWER, () -> reviews.entry(prediction), Roles.REVIEWER).orElseThrow().imageId();
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> marks.markNotAssessable(imageId, "no",
                SignatureMeaning.REVIEWED, PASSWORD), Roles.REVIEWER)).hasMessageContaining("review that instead");
    }

    @Test
    void theDatabaseAllowsOneOriginalReviewPerPrediction() {
        long caseId = newCase("RV-12");
        long prediction = result(caseId, 0.9, "tumor", "idc-net", Instant.now());
        String insert = """
                INSERT INTO review (prediction_id, case_id, decision, predicted_label, final_label, final_diagnosis,
                                    signed_by, signer_name, signed_at, signature_meaning)
                VALUES (?, ?, 'AGREE', 'tumor', 'tumor', 'IDC', 'rita', 'Dr Rita', now(), 'REVIEWED')""";
        jdbc.update(insert, prediction, caseId);
        assertThatThrownBy(() -> jdbc.update(insert, prediction, caseId))
                .hasMessageContaining("review_one_original_per_prediction");
    }

    @Test
    void theQueueItemOfAResultMustBelongToAStoredPrediction() {
        long caseId = newCase("RV-13");
        long imageId = RealRows.image(jdbc, caseId, "orphan.png");
        assertThatThrownBy(() -> transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(
                987_654_321L, caseId, "ACC", imageId, "orphan.png", 0.5, 0.5, "tumor", "m", "1", Instant.now(), false))))
                .hasStackTraceContaining("review_queue_item_prediction_fk");
    }
}
