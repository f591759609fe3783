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
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SegregationOfDutiesTest {

    static final String BOTH = "dual";
    static final String PASSWORD = "Dual-Role-Pathologist-7";
    static final String OTHER = "second.reader";
    static final String OTHER_PASSWORD = "Second-Reader-Passphrase";
    static long nextPrediction = 7_000_000;

    @Autowired
    ReviewService reviews;
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
        long id = ++nextPrediction;
        Long imageId = jdbc.queryForObject("""
                INSERT INTO case_image (case_id, original_filename, sha256, size_bytes, format, width, height, uploaded_by, uploaded_at)
                VALUES (?, ?, ?, 1, 'PNG', 50, 50, ?, now()) RETURNING id""", Long.class, caseId, "sod-" + id + ".png",
                String.format("%064x", id), requester);
        jdbc.update("""
                INSERT INTO prediction (id, case_id, image_id, probability, class_probabilities, threshold, label, positive,
                                        model_id, model_version, device, mode, decode_ms, infer_ms, created_by, created_at)
                VALUES (?, ?, ?, 0.9, '{"normal": 0.1, "tumor": 0.9}', 0.5, 'tumor', true, 'm', '1', 'CPU', 'PATCH', 1, 1, ?, now())""",
                id, caseId, imageId, requester);
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ? AND status = 'OPEN'", caseId);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(id, caseId, "ACC",
                imageId, "sod-" + id + ".png", 0.9, 0.5, "tumor", "m", "1", Instant.now())));
        return id;
    }

    SignedReview signAs(String user, String password, long predictionId) {
        return ActingAs.user(user, () -> reviews.sign(new ReviewRequest(predictionId, ReviewDecision.AGREE, "tumor",
                "Basal cell carcinoma", null, SignatureMeaning.REVIEWED, null), password), Roles.PATHOLOGIST, Roles.REVIEWER);
    }

    @Test
    void theRequesterOfAPredictionMayNotSignItButAnotherReviewerMay() {
        long caseId = caseOf("SOD-1");
        long prediction = predictionRequestedBy(caseId, BOTH);
        assertThatThrownBy(() -> signAs(BOTH, PASSWORD, prediction))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
        SignedReview signed = ActingAs.user(OTHER, () -> reviews.sign(new ReviewRequest(prediction,
                ReviewDecision.AGREE, "tumor", "Basal cell carcinoma", null, SignatureMeaning.REVIEWED, null),
                OTHER_PASSWORD), Roles.REVIEWER);
        assertThat(signed.signedByRequester()).isFalse();
    }

    @Test
    void theRequesterMayNotSignOutACaseWhoseOnlySignaturesAreTheirs() {
        ActingAs.run("ada", () -> settings.setRequesterMaySign(true, "single-handed weekend cover"), Roles.ADMIN);
        long caseId = caseOf("SOD-2");
        long prediction = predictionRequestedBy(caseId, BOTH);
        SignedReview own = signAs(BOTH, PASSWORD, prediction);
        assertThat(own.signedByRequester()).isTrue();
        assertThat(own.segregationNote()).contains("allowed by the department setting changed by ada");
        assertThat(ActingAs.user(OTHER, () -> reviews.reviewsOfCase(caseId), Roles.REVIEWER))
                .extracting(SignedReview::segregationNote).allMatch(note -> note.contains("requester"));

        ActingAs.run("ada", () -> settings.setRequesterMaySign(false, "the second pathologist is back"), Roles.ADMIN);
        assertThatThrownBy(() -> ActingAs.user(BOTH, () -> reviews.signOutCase(caseId), Roles.REVIEWER))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("segregation of duties");
        assertThat(ActingAs.user(OTHER, () -> reviews.signOutCase(caseId), Roles.REVIEWER).status())
                .isEqualTo(CaseStatus.SIGNED_OUT);
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
