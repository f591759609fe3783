package org.histoscope.worklist;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseWork;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.TestCases;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The home worklists and the navigation's counts on a real PostgreSQL: a pathologist's case moves from "predictions
 * running" through "results to look at" to "ready to finalize" as its job ends and its result is signed; the
 * reviewers' list shows the waiting result with patient, MRN and case; each role's count is its list's total.
 */
@SpringBootTest
class WorklistServiceTest {

    static final String PASSWORD = "Correct-Horse-Battery-42";

    @Autowired
    WorklistService worklists;
    @Autowired
    ReviewQueueService reviews;
    @Autowired
    ReviewSigningService signing;
    @Autowired
    CaseService cases;
    @Autowired
    UserAccountService users;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;

    private static final String WORKLIST_PATHOLOGIST = "wilma";

    @BeforeEach
    void accounts() {
        for (var account : new String[][] {{"rita", Roles.REVIEWER}, {"patty", Roles.PATHOLOGIST},
                {WORKLIST_PATHOLOGIST, Roles.PATHOLOGIST}}) {
            if (!TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), () -> users.find(account[0]).isPresent())) {
                TestAccounts.createReadyUser(users, account[0], PASSWORD, account[1]);
            }
        }
    }

    @Test
    void aCaseMovesThroughThePathologistsWorklistAndItsResultWaitsOnTheReviewersOne() {
        String accession = "WL-" + UUID.randomUUID().toString().substring(0, 8);
        // a pathologist of this test alone: the other tests' cases (all patty's) would crowd her newest results
        long caseId = TestCases.newCase(cases, accession, WORKLIST_PATHOLOGIST);
        long imageId = RealRows.image(jdbc, caseId, "wl-slide.png");
        long predictionId = RealRows.prediction(jdbc, caseId, imageId, 0.91, "cancer"); // the case is now in review
        long rerun = RealRows.job(jdbc, caseId, imageId, "QUEUED");
        // long ago, so that it heads the reviewers' list (longest waiting first) whatever other tests left
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                accession, imageId, "wl-slide.png", 0.91, 0.5, "cancer", "idc-net", "1.0",
                Instant.parse("2001-01-01T00:00:00Z"), false)));

        WorklistService.PathologistWorklist mine = asPathologist();
        assertThat(mine.withPendingJobs()).extracting(CaseWork::caseId).contains(caseId);
        assertThat(mine.results()).extracting(r -> r.entry().predictionId()).contains(predictionId);
        assertThat(mine.readyToFinalize()).extracting(CaseWork::caseId).doesNotContain(caseId);
        assertThat(mine.unfinishedCases()).isPositive();

        WorklistService.ReviewerWorklist waiting = ActingAs.user("rita", worklists::reviewer, Roles.REVIEWER);
        assertThat(waiting.waiting()).isNotEmpty();
        WorklistService.Result first = waiting.waiting().get(0);
        assertThat(first.entry().predictionId()).isEqualTo(predictionId);
        assertThat(first.caseSummary().patient().mrn()).isEqualTo("MRN-" + accession);
        assertThat(first.caseSummary().patient().fullName()).isEqualTo("Test Patient");
        assertThat(first.caseSummary().accessionNumber()).isEqualTo(accession);
        assertThat(waiting.total()).isEqualTo(ActingAs.user("rita", reviews::countWaitingForReview, Roles.REVIEWER));
        assertThat(ActingAs.user("rita", worklists::forCurrentUser, Roles.REVIEWER))
                .containsEntry("review", waiting.total()).doesNotContainKeys("cases", "admin/status");

        // the job ends: still not ready, the result is unsigned
        jdbc.update("UPDATE prediction_job SET status = 'DONE' WHERE id = ?", rerun);
        mine = asPathologist();
        assertThat(mine.withPendingJobs()).extracting(CaseWork::caseId).doesNotContain(caseId);
        assertThat(mine.readyToFinalize()).extracting(CaseWork::caseId).doesNotContain(caseId);

        // signed: ready to finalize, and no longer waiting for review
        ActingAs.user("rita", () -> signing.sign(new ReviewRequest(predictionId, ReviewDecision.AGREE, "cancer",
                "Invasive ductal carcinoma", null, SignatureMeaning.REVIEWED, null), PASSWORD), Roles.REVIEWER);
        mine = asPathologist();
        assertThat(mine.readyToFinalize()).extracting(CaseWork::caseId).contains(caseId);
        assertThat(mine.results()).filteredOn(r -> r.entry().predictionId() == predictionId)
                .singleElement().satisfies(r -> assertThat(r.entry().reviewed()).isTrue());
        assertThat(ActingAs.user("rita", worklists::reviewer, Roles.REVIEWER).waiting())
                .extracting(r -> r.entry().predictionId()).doesNotContain(predictionId);
        assertThat(ActingAs.user(WORKLIST_PATHOLOGIST, worklists::forCurrentUser, Roles.PATHOLOGIST))
                .containsEntry("cases", mine.unfinishedCases()).doesNotContainKeys("review", "admin/status");

        // a second image without a result keeps the case from being ready until it is marked or predicted
        RealRows.image(jdbc, caseId, "wl-second.png");
        assertThat(asPathologist().readyToFinalize()).extracting(CaseWork::caseId).doesNotContain(caseId);
    }

    @Test
    void administratorsCountFailedJobs() {
        long caseId = TestCases.newCase(cases, "WL-F-" + UUID.randomUUID().toString().substring(0, 8));
        RealRows.job(jdbc, caseId, RealRows.image(jdbc, caseId, "wl-failed.png"), "FAILED");
        long failed = jdbc.queryForObject("SELECT count(*) FROM prediction_job WHERE status = 'FAILED'", Long.class);
        assertThat(ActingAs.user("adele", worklists::forCurrentUser, Roles.ADMIN)).containsEntry("admin/status", failed)
                .doesNotContainKeys("cases", "review");
        assertThat(ActingAs.user("adele", worklists::administrator, Roles.ADMIN).queue().failed()).isEqualTo(failed);
    }

    private WorklistService.PathologistWorklist asPathologist() {
        return ActingAs.user(WORKLIST_PATHOLOGIST, worklists::pathologist, Roles.PATHOLOGIST);
    }
}
