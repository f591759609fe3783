package org.histoscope.cases;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one prediction job for db-scheduler. The prediction, the job's DONE state, the case's move to review and
 * the review-queue entry commit in one transaction, so a crash at any point leaves the job to be run again from
 * the start, and a re-run of an already finished job (a revived duplicate) does nothing.
 */
@Component
class PredictionJobExecutor {

    private static final Logger log = LoggerFactory.getLogger(PredictionJobExecutor.class);
    private static final String JOB = "prediction_job";
    private static final Duration PROGRESS_INTERVAL = Duration.ofMillis(500);

    private final PredictionJobRepository jobs;
    private final CaseImageRepository images;
    private final PatientCaseRepository cases;
    private final CaseService caseService;
    private final OriginalStore store;
    private final PredictionService predictions;
    private final AuditService audit;
    private final JobEvents events;
    private final ApplicationEventPublisher publisher;
    private final TransactionTemplate transaction;

    PredictionJobExecutor(PredictionJobRepository jobs, CaseImageRepository images, PatientCaseRepository cases,
                          CaseService caseService, OriginalStore store, PredictionService predictions, AuditService audit,
                          JobEvents events, ApplicationEventPublisher publisher, PlatformTransactionManager txManager) {
        this.jobs = jobs;
        this.images = images;
        this.cases = cases;
        this.caseService = caseService;
        this.store = store;
        this.predictions = predictions;
        this.audit = audit;
        this.events = events;
        this.publisher = publisher;
        this.transaction = new TransactionTemplate(txManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** @param node the scheduler instance running it (db-scheduler's picked-by), recorded to show which node did the work */
    void run(long jobId, String node) {
        StartedJob started = transaction.execute(status -> start(jobId, node));
        if (started == null) {
            return;
        }
        try {
            transaction.executeWithoutResult(status -> predictAndFinish(jobId, started));
        } catch (RuntimeException e) {
            String reason = userReadable(e);
            log.warn("Prediction job {} failed: {}", jobId, reason, e);
            transaction.executeWithoutResult(status -> fail(jobId, reason));
        }
    }

    private record StartedJob(CaseImage image, Long modelId, String requestedBy, String node) {
    }

    /** Marks the job running, or returns null when there is nothing (more) to do. */
    private StartedJob start(long jobId, String node) {
        PredictionJob job = jobs.lockById(jobId).orElse(null);
        if (job == null || job.getStatus() == JobStatus.DONE || job.getStatus() == JobStatus.FAILED) {
            return null;
        }
        boolean revived = job.getStatus() == JobStatus.RUNNING;
        job.start(Instant.now());
        CaseImage image = images.findById(job.getImageId()).orElseThrow();
        audit.recordForCase(CaseAuditAction.PREDICTION_STARTED, JOB, String.valueOf(jobId), job.getCaseId(),
                Map.of("imageId", job.getImageId(), "attempt", job.getAttempts(), "afterInterruption", revived,
                        "node", node == null ? "" : node));
        events.publishAfterCommit(job.toSummary(image.getOriginalFilename()));
        return new StartedJob(image, job.getModelId(), job.getRequestedBy(), node);
    }

    private void predictAndFinish(long jobId, StartedJob started) {
        CaseImage image = started.image();
        ProgressReporter progress = new ProgressReporter(jobId, image.getOriginalFilename());
        StoredPrediction outcome = predictions.predictAndStore(image.getCaseId(), image.getId(),
                store.pathOf(image.getSha256()), new PredictionRequest(PredictionMode.AUTO, null, started.modelId()),
                started.requestedBy(), progress::report);
        // locked only now: progress reports update this row from their own transactions while predicting
        PredictionJob locked = jobs.lockById(jobId).orElseThrow();
        locked.succeed(outcome.id(), Instant.now());
        caseService.moveToReviewIfOpen(image.getCaseId(), locked.getRequestedBy());
        audit.recordForCase(CaseAuditAction.PREDICTION_COMPLETED, JOB, String.valueOf(jobId), image.getCaseId(),
                Map.of("predictionId", outcome.id(), "label", outcome.label(),
                        "probability", outcome.probability(), "model", outcome.modelId() + " " + outcome.modelVersion(),
                        "node", started.node() == null ? "" : started.node()));
        String accession = cases.findById(image.getCaseId()).map(PatientCase::getAccessionNumber).orElse("");
        publisher.publishEvent(new PredictionCompleted(outcome.id(), image.getCaseId(), accession,
                image.getId(), image.getOriginalFilename(), outcome.probability(), outcome.threshold(),
                outcome.label(), outcome.modelId(), outcome.modelVersion(), outcome.createdAt()));
        events.publishAfterCommit(locked.toSummary(image.getOriginalFilename()));
    }

    private void fail(long jobId, String reason) {
        PredictionJob job = jobs.lockById(jobId).orElseThrow();
        job.fail(reason, Instant.now());
        audit.recordForCase(CaseAuditAction.PREDICTION_FAILED, JOB, String.valueOf(jobId), job.getCaseId(),
                Map.of("reason", reason, "attempt", job.getAttempts()));
        events.publishAfterCommit(summaryOf(job));
    }

    private JobSummary summaryOf(PredictionJob job) {
        return job.toSummary(images.findById(job.getImageId()).map(CaseImage::getOriginalFilename).orElse(null));
    }

    /** Image and model problems carry messages written for users; anything else is summarised. */
    private static String userReadable(RuntimeException e) {
        if (e instanceof ImageRejectedException || e instanceof PredictionFailedException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return "Unexpected error (" + e.getClass().getSimpleName() + (message == null ? "" : ": " + message) + ")";
    }

    /** Stores progress in its own short transactions, at most twice a second, for the views to show. */
    private final class ProgressReporter {
        private final long jobId;
        private final String imageName;
        private Instant lastReport = Instant.EPOCH;

        ProgressReporter(long jobId, String imageName) {
            this.jobId = jobId;
            this.imageName = imageName;
        }

        void report(double fraction) {
            Instant now = Instant.now();
            if (Duration.between(lastReport, now).compareTo(PROGRESS_INTERVAL) < 0 && fraction < 1) {
                return;
            }
            lastReport = now;
            transaction.executeWithoutResult(status -> jobs.findById(jobId).ifPresent(job -> {
                job.progress(fraction);
                events.publishAfterCommit(job.toSummary(imageName));
            }));
        }
    }
}
