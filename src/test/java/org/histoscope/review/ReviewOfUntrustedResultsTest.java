package org.histoscope.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 22 in the review queue: an indeterminate result (inside the model's grey zone) comes first in "uncertain
 * first", and a result outside the model's training domain is signed only when the reviewer acknowledges the
 * warning, which is stored with the review and audited. Same context and helpers as {@link ReviewServiceTest}.
 */
@SpringBootTest
class ReviewOfUntrustedResultsTest {

    @Autowired
    ReviewQueueService reviews;
    @Autowired
    AuditService audit;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    org.springframework.beans.factory.config.AutowireCapableBeanFactory beans;

    long result(long caseId, double probability, String label, Instant at, boolean indeterminate,
                boolean outOfDomain) {
        String name = "img-" + java.util.UUID.randomUUID() + ".png";
        long imageId = RealRows.image(jdbc, caseId, name);
        long predictionId = RealRows.prediction(jdbc, caseId, imageId, probability, label);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                "ACC", imageId, name, probability, 0.5, label, "trust-model", "1.0", at, false, indeterminate,
                outOfDomain)));
        return predictionId;
    }

    @Test
    void uncertainFirstPutsIndeterminateResultsOnTop() {
        ReviewServiceTest h = helpers();
        long caseId = h.newCase("TR-1");
        Instant now = Instant.now().minus(10, ChronoUnit.DAYS);
        long nearThreshold = result(caseId, 0.51, "tumor", now.minus(1, ChronoUnit.HOURS), false, false);
        long indeterminate = result(caseId, 0.30, "normal", now.minus(2, ChronoUnit.HOURS), true, false);
        long confident = result(caseId, 0.99, "tumor", now.minus(3, ChronoUnit.HOURS), false, false);
        QueueFilter window = new QueueFilter(null, "trust-model", now.minus(5, ChronoUnit.HOURS),
                now.minus(30, ChronoUnit.MINUTES), null, false, QueueFilter.QueueOrder.UNCERTAIN);
        assertThat(h.queue(window)).containsExactly(indeterminate, nearThreshold, confident);
        QueueEntry entry = ActingAs.user(ReviewServiceTest.REVIEWER, () -> reviews.entry(indeterminate),
                Roles.REVIEWER).orElseThrow();
        assertThat(entry.indeterminate()).isTrue();
        assertThat(entry.outOfDomain()).isFalse();
    }

    @Test
    void anOutOfDomainResultIsSignedOnlyWithTheWarningAcknowledged() {
        ReviewServiceTest h = helpers();
        long caseId = h.newCase("TR-2");
        long prediction = result(caseId, 0.95, "tumor", Instant.now(), false, true);

        assertThatThrownBy(() -> h.sign(ReviewServiceTest.agree(prediction, "tumor"), ReviewServiceTest.PASSWORD))
                .isInstanceOf(ReviewRuleException.class).hasMessageContaining("outside the model's training domain");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM review WHERE prediction_id = ?", Long.class, prediction))
                .isZero();

        ReviewRequest acknowledged = new ReviewRequest(prediction, ReviewDecision.AGREE, "tumor",
                "Not assessable by the model: lymph node", null, SignatureMeaning.REVIEWED, null, true);
        h.sign(acknowledged, ReviewServiceTest.PASSWORD);
        assertThat(jdbc.queryForObject("SELECT out_of_domain_acknowledged FROM review WHERE prediction_id = ?",
                Boolean.class, prediction)).isTrue();
        List<AuditEntry> timeline = ActingAs.user(ReviewServiceTest.REVIEWER, () -> audit.caseTimeline(caseId),
                Roles.REVIEWER);
        assertThat(timeline).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("REVIEW_SIGNED");
            assertThat(e.detailsJson().replace(" ", "")).contains("\"outOfDomainAcknowledged\":true");
        });
    }

    @Test
    void anInDomainResultNeedsNoAcknowledgement() {
        ReviewServiceTest h = helpers();
        long caseId = h.newCase("TR-3");
        long prediction = result(caseId, 0.95, "tumor", Instant.now(), false, false);
        h.sign(ReviewServiceTest.agree(prediction, "tumor"), ReviewServiceTest.PASSWORD);
        assertThat(jdbc.queryForObject("SELECT out_of_domain_acknowledged FROM review WHERE prediction_id = ?",
                Boolean.class, prediction)).isFalse();
    }

    /** ReviewServiceTest's helpers (cases, signing as the reviewer, queue ids) on this test's context. */
    private ReviewServiceTest helpers() {
        ReviewServiceTest helpers = new ReviewServiceTest();
        beans.autowireBean(helpers);
        helpers.accounts();
        return helpers;
    }
}
