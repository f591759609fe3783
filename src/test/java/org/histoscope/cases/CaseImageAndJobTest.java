package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.histoscope.platform.BackgroundPriority;
import org.histoscope.testsupport.NativeThreads;
import java.util.function.BooleanSupplier;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.histoscope.cases.ui.JobUpdates;
import org.histoscope.testsupport.TestCases;
import org.histoscope.cases.internal.PredictionJobExecutor;

/**
 * Uploads and prediction jobs end to end on a real PostgreSQL and the real db-scheduler: storing, duplicates,
 * rejected files, one job per upload, failure and retry, and recovery of a job whose instance died mid-run.
 */
@SpringBootTest
class CaseImageAndJobTest {

    static final String PCAM = "journeys/pcam-1996c210-tumor.tif";
    static final String IDC = "journeys/idc-9290-class1.png";
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);

    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    PredictionService predictions;
    @Autowired
    AuditService audit;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StorageProperties storage;
    @Autowired
    SchedulerClient scheduler;
    @Autowired
    OneTimeTask<Long> predictionTask;
    @Autowired
    JobUpdates jobEvents;
    @Autowired
    org.springframework.transaction.PlatformTransactionManager transactions;

    long newCase(String accession) {
        return TestCases.newCase(cases, accession);
    }

    UploadOutcome upload(long caseId, String name, byte[] content) {
        return ActingAs.user("patty", () -> {
            try (InputStream in = new ByteArrayInputStream(content)) {
                return images.upload(caseId, name, in);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST);
    }

    static byte[] resource(String path) throws Exception {
        return new ClassPathResource(path).getContentAsByteArray();
    }

    List<JobSummary> jobsOf(long caseId) {
        return ActingAs.user("patty", () -> jobs.jobsForCase(caseId), Roles.PATHOLOGIST);
    }

    JobSummary job(long jobId, long caseId) {
        return jobsOf(caseId).stream().filter(j -> j.id() == jobId).findFirst().orElseThrow();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    long scheduledExecutions() {
        return jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = 'prediction'", Long.class);
    }

    @Test
    void anUploadIsStoredUnchangedAndItsOneJobRunsToAResult() throws Exception {
        long caseId = newCase("UP-1");
        byte[] tiff = resource(PCAM);
        UploadOutcome outcome = upload(caseId, "slide-1.tif", tiff);

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.STORED);
        ImageSummary image = outcome.image();
        assertThat(image.format()).isEqualTo("TIFF");
        assertThat(image.width()).isEqualTo(96);
        assertThat(image.height()).isEqualTo(96);
        assertThat(image.uploadedBy()).isEqualTo("patty");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(tiff));
        assertThat(image.sha256()).isEqualTo(sha);
        Path stored = Path.of(storage.directory()).resolve(sha.substring(0, 2)).resolve(sha);
        assertThat(Files.readAllBytes(stored)).isEqualTo(tiff);

        long jobId = outcome.job().id();
        await("the job to finish", () -> job(jobId, caseId).status() == JobStatus.DONE);
        JobSummary done = job(jobId, caseId);
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(jobsOf(caseId)).hasSize(1);
        assertThat(ActingAs.user("patty", () -> predictions.forImage(image.id()), Roles.PATHOLOGIST)).hasSize(1);
        assertThat(ActingAs.user("patty", () -> cases.findCase(caseId), Roles.PATHOLOGIST).orElseThrow().status())
                .isEqualTo(CaseStatus.IN_REVIEW);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM review_queue_item WHERE prediction_id = ?", Long.class,
                done.predictionId())).isOne();
        await("the queue entry to be removed", () -> scheduledExecutions() == 0);

        List<String> timeline = ActingAs.user("patty", () -> audit.caseTimeline(caseId), Roles.PATHOLOGIST).stream()
                .map(AuditEntry::action).toList();
        assertThat(timeline).containsSubsequence("CASE_CREATED", "IMAGE_UPLOADED", "PREDICTION_QUEUED",
                "PREDICTION_STARTED", "PREDICTION_COMPLETED");
        assertThat(timeline).contains("CASE_STATUS_CHANGED", "REVIEW_QUEUED");
    }

    @Test
    void theSameFileTwiceInOneCaseIsFlaggedAndNotStoredOrPredictedAgain() throws Exception {
        long caseId = newCase("UP-2");
        byte[] png = resource(IDC);
        UploadOutcome first = upload(caseId, "patch.png", png);
        UploadOutcome second = upload(caseId, "same-patch-renamed.png", png);

        assertThat(first.result()).isEqualTo(UploadOutcome.Result.STORED);
        assertThat(second.result()).isEqualTo(UploadOutcome.Result.DUPLICATE);
        assertThat(second.message()).contains("identical to patch.png");
        assertThat(second.image().id()).isEqualTo(first.image().id());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_image WHERE case_id = ?", Long.class, caseId)).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM prediction_job WHERE case_id = ?", Long.class, caseId)).isOne();
        List<String> timeline = ActingAs.user("patty", () -> audit.caseTimeline(caseId), Roles.PATHOLOGIST).stream()
                .map(AuditEntry::action).toList();
        assertThat(timeline).contains("IMAGE_DUPLICATE_FLAGGED");

        long otherCase = newCase("UP-2B");
        assertThat(upload(otherCase, "patch.png", png).result()).isEqualTo(UploadOutcome.Result.STORED);
    }

    @Test
    void aFileThatIsNotAnImageIsRejectedWithAReasonAndNothingIsStored() throws Exception {
        long caseId = newCase("UP-3");
        UploadOutcome outcome = upload(caseId, "report.png", "%PDF-1.7 this is not an image".getBytes());

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.message()).startsWith("report.png was not accepted: ").hasSizeGreaterThan(30);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM case_image WHERE case_id = ?", Long.class, caseId)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM prediction_job WHERE case_id = ?", Long.class, caseId)).isZero();
        try (var incoming = Files.list(Path.of(storage.directory()).resolve("incoming"))) {
            assertThat(incoming).isEmpty();
        }
        assertThat(upload(caseId, "empty.tif", new byte[0]).result()).isEqualTo(UploadOutcome.Result.REJECTED);
    }

    @Test
    void theDatabaseAllowsOnlyOneJobPerUpload() throws Exception {
        long caseId = newCase("UP-4");
        UploadOutcome outcome = upload(caseId, "patch.png", resource("journeys/idc-9290-class0.png"));
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO prediction_job (case_id, image_id, rerun, status, requested_by, requested_at)
                VALUES (?, ?, FALSE, 'QUEUED', 'x', now())""", caseId, outcome.image().id()))
                .hasMessageContaining("prediction_job_one_per_upload");
    }

    @Test
    void aSecondExecutionOfAFinishedJobDoesNotPredictAgain() throws Exception {
        long caseId = newCase("UP-5");
        UploadOutcome outcome = upload(caseId, "slide.tif", resource("journeys/pcam-01788bbb-normal.tif"));
        long jobId = outcome.job().id();
        await("the job to finish", () -> job(jobId, caseId).status() == JobStatus.DONE);

        scheduler.schedule(predictionTask.instance("job-" + jobId + "-duplicate", jobId), Instant.now());
        await("the duplicate execution to be consumed", () -> scheduledExecutions() == 0);
        assertThat(ActingAs.user("patty", () -> predictions.forImage(outcome.image().id()), Roles.PATHOLOGIST)).hasSize(1);
        assertThat(job(jobId, caseId).attempts()).isEqualTo(1);
    }

    @Test
    void aJobWhoseInstanceDiedMidRunIsRevivedAndCompleted() throws Exception {
        long caseId = newCase("UP-6");
        UploadOutcome outcome = upload(caseId, "patch.png", resource(IDC));
        await("the first job to finish", () -> job(outcome.job().id(), caseId).status() == JobStatus.DONE);

        // A re-run that an instance picked, started and then crashed on: RUNNING, heartbeat an hour old.
        Long jobId = jdbc.queryForObject("""
                INSERT INTO prediction_job (case_id, image_id, rerun, status, attempts, requested_by, requested_at, started_at)
                VALUES (?, ?, TRUE, 'RUNNING', 1, 'patty', now() - interval '1 hour', now() - interval '1 hour')
                RETURNING id""", Long.class, caseId, outcome.image().id());
        jdbc.update("""
                INSERT INTO scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by,
                                             last_heartbeat, version)
                VALUES ('prediction', ?, ?, now() - interval '1 hour', TRUE, 'crashed-instance',
                        now() - interval '1 hour', 1)""", "job-" + jobId + "-attempt-1", javaSerialized(jobId));

        await("the dead execution to be revived and run", () -> job(jobId, caseId).status() == JobStatus.DONE);
        JobSummary revived = job(jobId, caseId);
        assertThat(revived.attempts()).isEqualTo(2);
        assertThat(revived.predictionId()).isNotNull();
        assertThat(ActingAs.user("patty", () -> predictions.forImage(outcome.image().id()), Roles.PATHOLOGIST)).hasSize(2);
        List<AuditEntry> timeline = ActingAs.user("patty", () -> audit.caseTimeline(caseId), Roles.PATHOLOGIST);
        assertThat(timeline).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("PREDICTION_STARTED");
            assertThat(e.detailsJson()).contains("afterInterruption").contains("true");
        });
    }

    @Test
    void aFailedJobShowsItsReasonAndCanBeRetriedAndReRunsKeepEarlierResults() throws Exception {
        long caseId = newCase("UP-7");
        byte[] png = resource(IDC);
        UploadOutcome outcome = upload(caseId, "patch.png", png);
        long imageId = outcome.image().id();
        await("the first job to finish", () -> job(outcome.job().id(), caseId).status() == JobStatus.DONE);

        Path stored = Path.of(storage.directory()).resolve(outcome.image().sha256().substring(0, 2))
                .resolve(outcome.image().sha256());
        Path aside = stored.resolveSibling("aside");
        Files.move(stored, aside);
        JobSummary rerun = ActingAs.user("patty", () -> jobs.rerun(imageId, null), Roles.PATHOLOGIST);
        await("the re-run to fail", () -> job(rerun.id(), caseId).status() == JobStatus.FAILED);
        JobSummary failed = job(rerun.id(), caseId);
        assertThat(failed.errorMessage()).isNotBlank();

        Files.move(aside, stored);
        ActingAs.run("patty", () -> jobs.retry(rerun.id()), Roles.PATHOLOGIST);
        await("the retry to succeed", () -> job(rerun.id(), caseId).status() == JobStatus.DONE);
        assertThat(job(rerun.id(), caseId).attempts()).isEqualTo(2);
        assertThat(job(rerun.id(), caseId).errorMessage()).isNull();
        assertThat(ActingAs.user("patty", () -> predictions.forImage(imageId), Roles.PATHOLOGIST)).hasSize(2);
        assertThatThrownBy(() -> ActingAs.run("patty", () -> jobs.retry(rerun.id()), Roles.PATHOLOGIST))
                .isInstanceOf(CaseRuleException.class);
    }

    @Test
    void aReviewerCannotUploadOrReRun() throws Exception {
        long caseId = newCase("UP-8");
        byte[] png = resource(IDC);
        assertThatThrownBy(() -> ActingAs.run("rita", () -> {
            try {
                images.upload(caseId, "x.png", new ByteArrayInputStream(png));
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
            }
        }, Roles.REVIEWER)).isInstanceOf(AccessDeniedException.class);
        UploadOutcome outcome = upload(caseId, "x.png", png);
        assertThatThrownBy(() -> ActingAs.run("rita", () -> jobs.rerun(outcome.image().id(), null), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aLargerImageIsTiledWithProgressHeatmapAndTileStatistics() throws Exception {
        long caseId = newCase("UP-9");
        List<JobSummary> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscription = jobEvents.subscribe(change -> {
            if (change.caseId() == caseId) {
                events.add(change);
            }
        });
        try {
            UploadOutcome outcome = upload(caseId, "mosaic.png", mosaic(12));
            assertThat(outcome.image().width()).isEqualTo(600);
            long jobId = outcome.job().id();
            await("the whole-image job to finish", () -> job(jobId, caseId).status() == JobStatus.DONE);
            StoredPrediction prediction = ActingAs.user("patty", () -> predictions.find(job(jobId, caseId).predictionId()),
                    Roles.PATHOLOGIST).orElseThrow();
            assertThat(prediction.mode()).isEqualTo(PredictionMode.WHOLE_IMAGE);
            assertThat(prediction.hasHeatmap()).isTrue();
            assertThat(prediction.tileStatistics().tissueTiles()).isPositive();
            await("the job events to arrive", () -> events.stream().anyMatch(e -> e.status() == JobStatus.DONE));
            assertThat(events).extracting(JobSummary::status).containsSubsequence(JobStatus.QUEUED, JobStatus.RUNNING,
                    JobStatus.DONE);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.status()).isEqualTo(JobStatus.RUNNING);
                assertThat(e.progress()).isGreaterThan(0.0);
            });
        } finally {
            subscription.remove();
        }
    }

    @Test
    void onlyAnAdministratorSeesTheQueueAndStorageStatus() throws Exception {
        long caseId = newCase("UP-10");
        upload(caseId, "patch.png", resource("journeys/idc-9290-class0.png"));
        assertThatThrownBy(() -> ActingAs.user("patty", () -> jobs.queueStatus(), Roles.PATHOLOGIST))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("patty", () -> images.storageStatus(), Roles.PATHOLOGIST))
                .isInstanceOf(AccessDeniedException.class);
        PredictionJobService.QueueStatus queue = ActingAs.user("adam", () -> jobs.queueStatus(), Roles.ADMIN);
        assertThat(queue.queued() + queue.running() + queue.done() + queue.failed()).isPositive();
        CaseImageService.StorageStatus storageStatus = ActingAs.user("adam", () -> images.storageStatus(), Roles.ADMIN);
        assertThat(storageStatus.freeBytes()).isPositive();
        assertThat(storageStatus.storedImages()).isPositive();
    }

    /** A side × side grid of the IDC patches (50 px each): an image large enough to be tiled. */
    static byte[] mosaic(int side) throws Exception {
        java.awt.image.BufferedImage[] patches = {
                javax.imageio.ImageIO.read(new ClassPathResource(IDC).getInputStream()),
                javax.imageio.ImageIO.read(new ClassPathResource("journeys/idc-9290-class0.png").getInputStream())};
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(side * 50, side * 50,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        for (int row = 0; row < side; row++) {
            for (int column = 0; column < side; column++) {
                graphics.drawImage(patches[(row + column) % 2], column * 50, row * 50, 50, 50, null);
            }
        }
        graphics.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    static byte[] javaSerialized(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    /** Other nodes hear of a committed job through PostgreSQL's NOTIFY; a rolled-back one is never announced. */
    @Test
    void aCommittedJobIsAnnouncedToOtherNodesAndARolledBackOneIsNot() throws Exception {
        long caseId = newCase("WAKE-N");
        try (java.sql.Connection listener = jdbc.getDataSource().getConnection();
             var statement = listener.createStatement()) {
            statement.execute("LISTEN histoscope_job_queue");
            try {
                org.postgresql.PGConnection postgres = listener.unwrap(org.postgresql.PGConnection.class);
                postgres.getNotifications(1); // nothing queued before counts

                var template = new org.springframework.transaction.support.TransactionTemplate(transactions);
                template.executeWithoutResult(status -> {
                    scheduler.schedule(predictionTask.instance("wake-rolled-back", -1L),
                            Instant.now().plusSeconds(3600));
                    status.setRollbackOnly();
                });
                assertThat(postgres.getNotifications(300)).as("notifications after a rollback").isNullOrEmpty();

                upload(caseId, "patch.png", resource(IDC));
                org.postgresql.PGNotification[] heard = postgres.getNotifications(10_000);
                assertThat(heard).isNotEmpty();
                assertThat(heard[0].getName()).isEqualTo("histoscope_job_queue");
            } finally {
                statement.execute("UNLISTEN *"); // the connection goes back to the pool
            }
        }
    }

    /**
     * Issue #28: the queue's thread of a patch job is free as soon as the result is stored; the explanation follows
     * on a thread of its own. Before, the same execution computed the explanation, so with both queue threads on
     * explanations a new prediction waited for one of them (queue wait p95 295 ms on a quiet machine). A later
     * execution of the job stays queued as the safety net for an explanation that a stopped node never computed.
     */
    @Test
    void aPatchJobFreesTheQueueThreadBeforeItsExplanationIsComputed() throws Exception {
        long caseId = newCase("EXPL-2");
        long jobId = upload(caseId, "patch-expl.png", resource(IDC)).job().id();
        String execution = PredictionJobService.instanceId(jobId, 1);
        Instant deadline = Instant.now().plus(JOB_TIMEOUT);
        while (jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_instance = ?", Long.class,
                execution) > 0) {
            assertThat(Instant.now()).as("the queue execution to end").isBefore(deadline);
            Thread.sleep(5); // the explanation takes a few hundred ms: look closely
        }
        JobSummary whenTheExecutionEnded = job(jobId, caseId);
        assertThat(whenTheExecutionEnded.status()).isEqualTo(JobStatus.DONE);
        assertThat(whenTheExecutionEnded.explanationPending())
                .as("the explanation is still to come when the queue's thread is already free").isTrue();
        String safetyNet = PredictionJobExecutor.safetyNetId(jobId);
        java.sql.Timestamp due = jdbc.query("SELECT execution_time FROM scheduled_tasks WHERE task_instance = ?",
                rs -> rs.next() ? rs.getTimestamp(1) : null, safetyNet);
        if (job(jobId, caseId).explanationPending()) { // else the explanation came and cancelled it meanwhile
            assertThat(due).as("the safety net of a pending explanation").isNotNull();
            assertThat(due.toInstant())
                    .isAfter(Instant.now().plus(PredictionJobExecutor.EXPLANATION_SAFETY_NET).minusSeconds(60));
        }
        await("the explanation to follow", () -> !job(jobId, caseId).explanationPending());
        await("the safety net to be cancelled", () -> jdbc.queryForObject(
                "SELECT count(*) FROM scheduled_tasks WHERE task_instance = ?", Long.class, safetyNet) == 0);
        StoredPrediction prediction = ActingAs.user("patty", () -> predictions.find(job(jobId, caseId).predictionId()),
                Roles.PATHOLOGIST).orElseThrow();
        assertThat(prediction.hasExplanation()).isTrue();
    }

    /**
     * Issue #28: the queue's threads and the explanation's thread run below the web requests (the shipped setting,
     * histoscope.background-work.nice = 10), so that predictions do not make pages and API reads wait for the CPU.
     */
    @Test
    void theQueueAndTheExplanationRunBelowTheWebRequests() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        long caseId = newCase("PRIO-1");
        long jobId = upload(caseId, "patch-prio.png", resource(IDC)).job().id();
        await("the result and its explanation", () -> {
            JobSummary job = job(jobId, caseId);
            return job.status() == JobStatus.DONE && !job.explanationPending();
        });

        List<NativeThreads.NativeThread> threads = NativeThreads.ofThisProcess();
        List<NativeThreads.NativeThread> background = threads.stream()
                .filter(t -> t.name().matches("db-scheduler-\\d+") || t.name().startsWith("patch-explanati")).toList();
        assertThat(background).extracting(NativeThreads.NativeThread::name)
                .anyMatch(name -> name.startsWith("db-scheduler-")).anyMatch(name -> name.startsWith("patch-explanati"));
        assertThat(background).allSatisfy(t -> assertThat(t.nice()).as(t.name())
                .isEqualTo(NativeThreads.backgroundNice(10)));
        assertThat(BackgroundPriority.niceOfCurrentThread().orElseThrow()).as("this test's thread, like a request's")
                .isLessThan(NativeThreads.backgroundNice(10));
    }

    /** A patch's result is DONE and shown before its explanation, which follows as its own step. */
    @Test
    void aPatchResultIsShownBeforeItsExplanationWhichFollows() throws Exception {
        long caseId = newCase("EXPL-1");
        List<JobSummary> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        var subscription = jobEvents.subscribe(change -> {
            if (change.caseId() == caseId) {
                events.add(change);
            }
        });
        try {
            UploadOutcome outcome = upload(caseId, "patch.png", resource(IDC));
            long jobId = outcome.job().id();
            await("the explanation to follow", () -> events.stream()
                    .anyMatch(e -> e.status() == JobStatus.DONE && !e.explanationPending()));
            List<JobSummary> done = events.stream().filter(e -> e.status() == JobStatus.DONE).toList();
            assertThat(done).extracting(JobSummary::explanationPending).containsExactly(true, false);
            assertThat(done).extracting(JobSummary::predictionId).containsOnly(done.get(0).predictionId());
            StoredPrediction prediction = ActingAs.user("patty", () -> predictions.find(done.get(0).predictionId()),
                    Roles.PATHOLOGIST).orElseThrow();
            assertThat(prediction.mode()).isEqualTo(PredictionMode.PATCH);
            assertThat(prediction.hasExplanation()).isTrue();
            assertThat(job(jobId, caseId).explanationPending()).isFalse();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM prediction WHERE job_id = ?", Long.class, jobId))
                    .isOne();
        } finally {
            subscription.remove();
        }
    }
}
