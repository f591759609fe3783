package org.histoscope.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.cases.Sex;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
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

/**
 * Reviews on a real PostgreSQL: electronic signatures with password re-entry, immutability of signed reviews in
 * the service and in the database, amendments, roles, the queue's filters and ordering, and case sign-out.
 * Queue entries are created through the same event the prediction jobs publish.
 */
@SpringBootTest
class ReviewServiceTest {

    static final String REVIEWER = "rita";
    static final String PASSWORD = "Correct-Horse-Battery-42";

    @Autowired
    ReviewService reviews;
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

    static long nextPrediction = 1_000_000;

    @BeforeEach
    void accounts() {
        boolean exists = TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(REVIEWER).isPresent());
        if (!exists) {
            TestAccounts.createReadyUser(users, REVIEWER, PASSWORD, Roles.REVIEWER);
        }
    }

    long newCase(String accession) {
        return ActingAs.user("patty", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Review Patient",
                    LocalDate.of(1966, 6, 6), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Colon biopsy", null, null, null)).id();
        }, Roles.PATHOLOGIST);
    }

    /** A result as the job runner announces it; the image row is needed for the queue's foreign key. */
    long result(long caseId, double probability, String label, String model, Instant at) {
        long predictionId = ++nextPrediction;
        Long imageId = jdbc.queryForObject("""
                INSERT INTO case_image (case_id, original_filename, sha256, size_bytes, format, width, height, uploaded_by, uploaded_at)
                VALUES (?, ?, ?, 1, 'PNG', 50, 50, 'patty', now()) RETURNING id""", Long.class, caseId,
                "img-" + predictionId + ".png", String.format("%064x", predictionId));
        // as the job runner does with a case's first result (reviewers see cases in review)
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ? AND status = 'OPEN'", caseId);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                "ACC", imageId, "img-" + predictionId + ".png", probability, 0.5, label, model, "1.0", at)));
        return predictionId;
    }

    SignedReview sign(ReviewRequest request, String password) {
        return ActingAs.user(REVIEWER, () -> reviews.sign(request, password), Roles.REVIEWER);
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
        assertThatThrownBy(() -> ActingAs.user("patty", () -> reviews.sign(agree(prediction, "tumor"), PASSWORD),
                Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("adam", () -> reviews.countQueue(QueueFilter.all()), Roles.ADMIN))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("patty", () -> reviews.signOutCase(caseId), Roles.PATHOLOGIST))
                .isInstanceOf(AccessDeniedException.class);
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

    @Test
    void aCaseIsSignedOutOnlyWhenEveryResultIsSigned() {
        long caseId = newCase("RV-8");
        long first = result(caseId, 0.9, "tumor", "idc-net", Instant.now());
        long second = result(caseId, 0.1, "normal", "idc-net", Instant.now());
        sign(agree(first, "tumor"), PASSWORD);

        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> reviews.signOutCase(caseId), Roles.REVIEWER))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("1 result(s)");
        sign(agree(second, "normal"), PASSWORD);
        assertThat(ActingAs.user(REVIEWER, () -> reviews.readyForSignOut(caseId), Roles.REVIEWER)).isTrue();

        assertThat(ActingAs.user(REVIEWER, () -> reviews.signOutCase(caseId), Roles.REVIEWER).status())
                .isEqualTo(CaseStatus.SIGNED_OUT);
        assertThat(ActingAs.user(REVIEWER, () -> audit.caseTimeline(caseId), Roles.REVIEWER))
                .extracting(AuditEntry::action).contains("CASE_SIGN_OUT_REQUESTED", "CASE_STATUS_CHANGED");
        assertThatThrownBy(() -> ActingAs.user(REVIEWER, () -> reviews.signOutCase(caseId), Roles.REVIEWER))
                .hasMessageContaining("already signed out");
    }
}
