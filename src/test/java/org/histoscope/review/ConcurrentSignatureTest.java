package org.histoscope.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.SpiedJobContext;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.histoscope.review.internal.ReviewAuditAction;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Two reviewers sign the same result at the same instant: exactly one review stands, the other is told why. */
class ConcurrentSignatureTest extends SpiedJobContext {

    static final String PASSWORD = "Correct-Horse-Battery-42";

    @Autowired
    ReviewSigningService reviews;
    @Autowired
    UserAccountService users;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void twoReviewersSigningTheSameResultAtOnceLeaveExactlyOneReview() throws Exception {
        for (String reviewer : List.of("rosa", "ravi")) {
            if (!TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(reviewer).isPresent())) {
                TestAccounts.createReadyUser(users, reviewer, PASSWORD, Roles.REVIEWER);
            }
        }
        long caseId = RealRows.patientCase(jdbc, "CS-1");
        long imageId = RealRows.image(jdbc, caseId, "contested.png");
        long predictionId = RealRows.prediction(jdbc, caseId, imageId, 0.8, "cancer");
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                "CS-1", imageId, "contested.png", 0.8, 0.5, "cancer", "m", "1", Instant.now(), false)));

        // Both signatures pass every check and reach their audit event before either commits (on code that lets
        // them); one that cannot get there (held by the database) lets the other one go on after a while.
        CyclicBarrier bothSigning = new CyclicBarrier(2);
        doAnswer(call -> {
            if (call.getArgument(0) == ReviewAuditAction.REVIEW_SIGNED) {
                try {
                    bothSigning.await(3, TimeUnit.SECONDS);
                } catch (TimeoutException | BrokenBarrierException alone) {
                    // the other signature is waiting for this one in the database
                }
            }
            return call.callRealMethod();
        }).when(audit).recordForCase(any(), anyString(), anyString(), anyLong(), anyMap());

        List<Object> outcomes = new CopyOnWriteArrayList<>();
        List<Thread> signers = List.of("rosa", "ravi").stream().map(reviewer -> new Thread(() -> {
            try {
                outcomes.add(ActingAs.user(reviewer, () -> reviews.sign(new ReviewRequest(predictionId,
                        ReviewDecision.AGREE, "cancer", "Invasive ductal carcinoma by " + reviewer, null,
                        SignatureMeaning.REVIEWED, null), PASSWORD), Roles.REVIEWER));
            } catch (RuntimeException e) {
                outcomes.add(e);
            }
        }, "signer-" + reviewer)).toList();
        signers.forEach(Thread::start);
        for (Thread signer : signers) {
            signer.join(30_000);
        }

        assertThat(outcomes).hasSize(2);
        assertThat(outcomes).filteredOn(SignedReview.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(ReviewRuleException.class::isInstance).singleElement()
                .extracting(e -> ((ReviewRuleException) e).getMessage()).asString()
                .contains("Another reviewer signed this result");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM review WHERE prediction_id = ?", Long.class, predictionId))
                .isOne();
        SignedReview winner = (SignedReview) outcomes.stream().filter(SignedReview.class::isInstance).findFirst()
                .orElseThrow();
        assertThat(jdbc.queryForObject("SELECT latest_review_id FROM review_queue_item WHERE prediction_id = ?",
                Long.class, predictionId)).isEqualTo(winner.id());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'REVIEW_SIGNED' AND case_id = ?",
                Long.class, caseId)).isOne();
    }
}
