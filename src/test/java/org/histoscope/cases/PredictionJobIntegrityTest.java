package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.histoscope.security.Roles;
import org.histoscope.security.SystemIdentity;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.SpiedJobContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.testsupport.TestCases;
import org.histoscope.cases.internal.PredictionJobExecutor;

/**
 * The record of a prediction job on a real PostgreSQL with the real model: inference outside any transaction, one
 * result per job even when a stalled and a revived execution both finish, late results for signed-out cases,
 * foreign keys, and a RUNNING job whose instance stopped heart-beating shown as interrupted.
 */
class PredictionJobIntegrityTest extends SpiedJobContext {

    static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    PredictionJobExecutor executor;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    long newCase(String accession) {
        return TestCases.newCase(cases, accession);
    }

    /** A real upload whose first job has run to its result. */
    UploadOutcome uploadAndWait(long caseId, String resource) throws Exception {
        byte[] content = new ClassPathResource(resource).getContentAsByteArray();
        UploadOutcome outcome = ActingAs.user("patty", () -> {
            try (InputStream in = new ByteArrayInputStream(content)) {
                return images.upload(caseId, "patch.png", in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.STORED);
        await("the upload's job to finish", () -> job(outcome.job().id(), caseId).status() == JobStatus.DONE);
        return outcome;
    }

    JobSummary job(long jobId, long caseId) {
        return ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST).stream()
                .filter(j -> j.id() == jobId).findFirst().orElseThrow();
    }

    long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void inferenceRunsOutsideAnyTransactionAndTheResultIsStoredWithItsAuditEvents() throws Exception {
        List<Boolean> inTransaction = new CopyOnWriteArrayList<>();
        // the stubbing call passes the spy's method-security proxy, which lets only the job runner infer
        SystemIdentity.run(() -> doAnswer(call -> {
            inTransaction.add(TransactionSynchronizationManager.isActualTransactionActive());
            return call.callRealMethod();
        }).when(inference).predict(any(), any(), any()));
        long caseId = newCase("JI-1");
        UploadOutcome outcome = uploadAndWait(caseId, "journeys/idc-9290-class1.png");

        assertThat(inTransaction).isNotEmpty().containsOnly(false);
        JobSummary done = job(outcome.job().id(), caseId);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'PREDICTION_STORED' AND target_id = ?",
                String.valueOf(done.predictionId()))).isOne();
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'PREDICTION_COMPLETED' AND target_id = ?",
                String.valueOf(done.id()))).isOne();
    }

    /** Issue #26: a failed job kept "Unexpected error (Class: message)", which the job grid, the API and the audit showed. */
    @Test
    void anUnexpectedFailureKeepsAReasonForPeopleWithAReferenceAndNeverTheExceptionText() throws Exception {
        long caseId = newCase("JI-9");
        long imageId = uploadAndWait(caseId, "journeys/idc-9290-class0.png").image().id();
        long jobId = RealRows.job(jdbc, caseId, imageId, "QUEUED");
        // the stubbing call passes the spy's method-security proxy, which lets only the job runner infer
        SystemIdentity.run(() -> doThrow(new IllegalStateException("native heap corrupted at 0x7f3a"))
                .when(inference).predict(any(), any(), any()));

        SystemIdentity.run(() -> executor.run(jobId, "fault-node"));

        JobSummary failed = job(jobId, caseId);
        assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
        assertThat(failed.errorMessage())
                .matches("An internal error stopped this job\\. Quote reference [0-9a-f]{8} to your administrator\\.");
        String reference = failed.errorMessage().replaceAll(".*reference ([0-9a-f]{8}).*", "$1");
        assertThat(failed.errorCode()).as("the reason's key, stored beside the English text").isEqualTo("job.failure.internal");
        assertThat(org.histoscope.ui.I18n.text(failed.errorReason(), java.util.Locale.GERMAN))
                .as("a German user's job grid").isEqualTo("Ein interner Fehler hat diesen Auftrag gestoppt. Nennen Sie "
                        + "Ihrer Administration die Referenz " + reference + ".");
        String audited = jdbc.queryForObject("SELECT details::text FROM audit_event WHERE action = 'PREDICTION_FAILED' "
                + "AND target_id = ? ORDER BY id DESC LIMIT 1", String.class, String.valueOf(jobId));
        assertThat(audited).contains(failed.errorMessage().replaceAll(".*reference ([0-9a-f]{8}).*", "$1"))
                .doesNotContain("0x7f3a").doesNotContain("IllegalStateException");
    }

    @Test
    void aStalledExecutionThatFinishesAfterItsRevivalStoresNothing() throws Exception {
        long caseId = newCase("JI-2");
        long imageId = uploadAndWait(caseId, "journeys/idc-9290-class0.png").image().id();
        long predictionsBefore = count("SELECT count(*) FROM prediction WHERE image_id = ?", imageId);
        long queueBefore = count("SELECT count(*) FROM review_queue_item WHERE image_id = ?", imageId);
        long jobId = RealRows.job(jdbc, caseId, imageId, "QUEUED");

        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the stubbing call passes the spy's method-security proxy, which lets only the job runner infer
        SystemIdentity.run(() -> doAnswer(call -> {
            if (Thread.currentThread().getName().equals("stalled-original")) {
                stalled.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
            return call.callRealMethod();
        }).when(inference).predict(any(), any(), any()));
        Thread original = new Thread(() -> SystemIdentity.run(() -> executor.run(jobId, "stalled-node")), "stalled-original");
        original.start();
        assertThat(stalled.await(30, TimeUnit.SECONDS)).isTrue();

        // db-scheduler's revival of the execution whose heartbeat it found stale (jobs run as the system)
        SystemIdentity.run(() -> executor.run(jobId, "reviving-node"));
        JobSummary revived = job(jobId, caseId);
        assertThat(revived.status()).isEqualTo(JobStatus.DONE);
        release.countDown();
        original.join(60_000);

        assertThat(count("SELECT count(*) FROM prediction WHERE image_id = ?", imageId)).isEqualTo(predictionsBefore + 1);
        assertThat(count("SELECT count(*) FROM review_queue_item WHERE image_id = ?", imageId)).isEqualTo(queueBefore + 1);
        JobSummary after = job(jobId, caseId);
        assertThat(after.status()).isEqualTo(JobStatus.DONE);
        assertThat(after.predictionId()).isEqualTo(revived.predictionId());
        assertThat(after.attempts()).isEqualTo(revived.attempts());
    }

    @Test
    void theDatabaseRefusesASecondResultForOneJob() throws Exception {
        long caseId = newCase("JI-3");
        UploadOutcome outcome = uploadAndWait(caseId, "journeys/idc-9290-class1.png");
        long predictionId = job(outcome.job().id(), caseId).predictionId();
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO prediction (case_id, image_id, job_id, probability, class_probabilities, threshold, label,
                    positive, model_id, model_version, device, mode, decode_ms, infer_ms, created_by, created_at)
                SELECT case_id, image_id, job_id, probability, class_probabilities, threshold, label, positive,
                    model_id, model_version, device, mode, decode_ms, infer_ms, created_by, now()
                FROM prediction WHERE id = ?""", predictionId)).hasMessageContaining("prediction_one_per_job");
    }

    @Test
    void predictionsAndJobsReferToRealCasesImagesAndPredictions() {
        long caseId = RealRows.patientCase(jdbc, "JI-4");
        long imageId = RealRows.image(jdbc, caseId, "real.png");
        long jobId = RealRows.job(jdbc, caseId, imageId, "QUEUED");
        String insert = """
                INSERT INTO prediction (case_id, image_id, job_id, probability, class_probabilities, threshold, label,
                    positive, model_id, model_version, device, mode, decode_ms, infer_ms, created_by, created_at)
                VALUES (?, ?, ?, 0.5, '{}'::jsonb, 0.5, 'x', FALSE, 'm', '1', 'cpu', 'PATCH', 1, 1, 'patty', now())""";
        assertThatThrownBy(() -> jdbc.update(insert, 987_654_321L, imageId, jobId)).hasMessageContaining("prediction_case_fk");
        assertThatThrownBy(() -> jdbc.update(insert, caseId, 987_654_321L, jobId)).hasMessageContaining("prediction_image_fk");
        assertThatThrownBy(() -> jdbc.update(insert, caseId, imageId, 987_654_321L)).hasMessageContaining("prediction_job_fk");
        assertThatThrownBy(() -> jdbc.update("UPDATE prediction_job SET prediction_id = 987654321 WHERE id = ?", jobId))
                .hasMessageContaining("prediction_job_prediction_fk");
        assertThat(jdbc.update(insert, caseId, imageId, jobId)).isOne();
    }

    @Test
    void aResultForACaseSignedOutMeanwhileIsKeptFlaggedAndDoesNotReopenTheCase() throws Exception {
        long caseId = newCase("JI-5");
        long imageId = uploadAndWait(caseId, "journeys/idc-9290-class1.png").image().id();
        // a case signed out while a job was still queued (allowed before sign-out checked the jobs)
        long jobId = RealRows.job(jdbc, caseId, imageId, "QUEUED");
        jdbc.update("UPDATE patient_case SET status = 'SIGNED_OUT' WHERE id = ?", caseId);

        SystemIdentity.run(() -> executor.run(jobId, "reviving-node"));

        JobSummary done = job(jobId, caseId);
        assertThat(done.status()).isEqualTo(JobStatus.DONE);
        assertThat(done.predictionId()).isNotNull();
        assertThat(jdbc.queryForObject("SELECT arrived_after_sign_out FROM review_queue_item WHERE prediction_id = ?",
                Boolean.class, done.predictionId())).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM review_queue_item WHERE case_id = ? AND arrived_after_sign_out",
                Long.class, caseId)).isOne();
        assertThat(ActingAs.user("patty", () -> cases.findCase(caseId), Roles.PATHOLOGIST).orElseThrow().status())
                .isEqualTo(CaseStatus.SIGNED_OUT);
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'PREDICTION_ARRIVED_AFTER_SIGN_OUT' AND case_id = ?",
                caseId)).isOne();
    }

    @Test
    void aRunningJobWhoseInstanceStoppedHeartBeatingIsShownAsInterrupted() {
        long caseId = RealRows.patientCase(jdbc, "JI-6");
        long imageId = RealRows.image(jdbc, caseId, "slide.tif");
        long staleJob = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        long liveJob = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        // uncommitted, so that db-scheduler does not revive the stale execution while we look
        transactions.executeWithoutResult(tx -> {
            String execution = """
                    INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by,
                                                 last_heartbeat, version)
                    VALUES ('prediction', ?, NULL, now(), TRUE, 'some-instance', now() - make_interval(secs => ?), 1)""";
            jdbc.update(execution, "job-" + staleJob + "-attempt-1", 3600);
            jdbc.update(execution, "job-" + liveJob + "-attempt-1", 0);
            List<JobSummary> shown = ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST);
            assertThat(shown).filteredOn(j -> j.id() == staleJob).singleElement()
                    .satisfies(j -> assertThat(j.interrupted()).isTrue());
            assertThat(shown).filteredOn(j -> j.id() == liveJob).singleElement()
                    .satisfies(j -> assertThat(j.interrupted()).isFalse());
            assertThat(CaseBadges.job(shown.stream().filter(j -> j.id() == staleJob).findFirst().orElseThrow()).getText())
                    .isEqualTo("Interrupted, will be retried");
            tx.setRollbackOnly();
        });
    }

    /**
     * The result is stored first, the explanation follows in the same execution. An execution revived after a crash
     * between the two (the job DONE, its explanation pending) computes only the explanation: no second result.
     */
    @Test
    void anExecutionRevivedBeforeTheExplanationStepAddsOnlyTheExplanation() throws Exception {
        long caseId = newCase("JI-X");
        UploadOutcome outcome = uploadAndWait(caseId, "journeys/idc-9290-class1.png");
        long jobId = outcome.job().id();
        await("the explanation to follow", () -> !job(jobId, caseId).explanationPending());
        long predictionId = job(jobId, caseId).predictionId();
        assertThat(count("SELECT count(*) FROM prediction WHERE id = ? AND explanation_png IS NOT NULL",
                predictionId)).isOne();

        // the state a crash right after the result's commit leaves behind
        long model = jdbc.queryForObject("SELECT id FROM registered_model WHERE status = 'ACTIVE'", Long.class);
        jdbc.update("UPDATE prediction SET explanation_png = NULL WHERE id = ?", predictionId);
        jdbc.update("UPDATE prediction_job SET explanation_model_id = ? WHERE id = ?", model, jobId);
        assertThat(job(jobId, caseId).explanationPending()).isTrue();

        SystemIdentity.run(() -> executor.run(jobId, "reviving-node"));

        JobSummary after = job(jobId, caseId);
        assertThat(after.status()).isEqualTo(JobStatus.DONE);
        assertThat(after.explanationPending()).isFalse();
        assertThat(after.predictionId()).isEqualTo(predictionId);
        assertThat(after.attempts()).isOne();
        assertThat(count("SELECT count(*) FROM prediction WHERE job_id = ?", jobId)).isOne();
        assertThat(count("SELECT count(*) FROM prediction WHERE id = ? AND explanation_png IS NOT NULL",
                predictionId)).isOne();
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'PREDICTION_EXPLAINED' AND target_id = ?",
                String.valueOf(predictionId))).isEqualTo(2);
    }

    /**
     * A sign-out that commits while an upload is between its first check of the case and its storing: the upload
     * waits for the case's lock, then finds the case signed out and stores nothing (no image, no job, no original)
     * and says so, as a refusal rather than an error.
     */
    @Test
    void anUploadOverlappingASignOutStoresNothingAndIsRefusedWithAReason() throws Exception {
        long caseId = newCase("JI-10");
        byte[] content = new ClassPathResource("journeys/idc-9290-class1.png").getContentAsByteArray();
        UploadOutcome outcome;
        try (Connection signOut = jdbc.getDataSource().getConnection()) {
            signOut.setAutoCommit(false);
            try (PreparedStatement lock = signOut.prepareStatement(
                    "UPDATE patient_case SET status = 'SIGNED_OUT' WHERE id = ?")) {
                lock.setLong(1, caseId);
                lock.executeUpdate(); // the row's lock is held until the commit below, as a sign-out holds it
            }
            CompletableFuture<UploadOutcome> upload = CompletableFuture.supplyAsync(() -> ActingAs.user("patty", () -> {
                try (InputStream in = new ByteArrayInputStream(content)) {
                    return images.upload(caseId, "late.png", in);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, Roles.PATHOLOGIST));
            await("the upload to wait for the case's lock", () -> count("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query ILIKE '%patient_case%' AND query ILIKE '%for share%'""") > 0);
            signOut.commit();
            outcome = upload.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.message()).contains("the case is finalized");
        assertThat(count("SELECT count(*) FROM case_image WHERE case_id = ?", caseId)).isZero();
        assertThat(count("SELECT count(*) FROM prediction_job WHERE case_id = ?", caseId)).isZero();
        assertThat(count("SELECT count(*) FROM audit_event WHERE action = 'IMAGE_REJECTED' AND case_id = ?", caseId))
                .isOne();
    }
}
