package org.histoscope.cases.internal;

import org.histoscope.platform.ErrorReference;
import org.histoscope.platform.PeopleText;
import org.histoscope.platform.ProgressThrottle;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Lazy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.InferenceService;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionOutcome;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.DepartmentPixelSizeService;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.cases.StatedPixelSize;
import org.histoscope.platform.Unguarded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one attempt of a prediction job for db-scheduler, in three steps: a short transaction marks the job running
 * (a new attempt); inference runs outside any transaction, so a long slide holds no database connection; a second
 * short transaction stores the prediction, its audit events, the job's DONE state, the case's move to review and the
 * review-queue entry together. That last step happens only while the job is still RUNNING in this very attempt: a
 * stalled execution that db-scheduler meanwhile revived (a newer attempt) or a repeat of a finished job stores
 * nothing, and the database's one-result-per-job constraint stops whatever slips past. A result for a case that was
 * signed out meanwhile is kept, flagged as late and shown to the case's reviewers; it does not reopen the case.
 * <p>
 * A patch's occlusion explanation (81 occluded views, twice the work of the prediction itself) follows as a fourth
 * step, after the result is stored and shown: the job is DONE with its explanation pending, and this node's
 * {@link ExplanationWorker} computes and attaches it on a thread of its own, so that the queue's threads are free
 * for the next predictions at once. The transaction that stores the result also queues a later execution of the job
 * (the safety net, {@link #EXPLANATION_SAFETY_NET}): if the explanation is still pending then (the node stopped, or
 * an execution was revived after a crash in that step), that execution computes only the explanation; otherwise it
 * does nothing.
 */
@Component
public class PredictionJobExecutor {

    private static final Logger log = LoggerFactory.getLogger(PredictionJobExecutor.class);
    private static final String JOB = "prediction_job";
    /** How long a stored patch result may wait for its explanation before any node's queue computes it. */
    public static final Duration EXPLANATION_SAFETY_NET = Duration.ofMinutes(10);

    private final PredictionJobRepository jobs;
    private final CaseImageRepository images;
    private final PatientCaseRepository cases;
    private final CaseService caseService;
    private final OriginalStore store;
    private final InferenceService inference;
    private final PredictionService predictions;
    private final AuditService audit;
    private final ApplicationEventPublisher publisher;
    private final TransactionTemplate transaction;
    private final ExplanationWorker explanations;
    private final SchedulerClient queue;
    private final OneTimeTask<Long> safetyNet;

    private final Clock clock;

    PredictionJobExecutor(PredictionJobRepository jobs, CaseImageRepository images, PatientCaseRepository cases,
                          CaseService caseService, OriginalStore store, InferenceService inference,
                          PredictionService predictions, AuditService audit,
                          ApplicationEventPublisher publisher, PlatformTransactionManager txManager, Clock clock,
                          ExplanationWorker explanations, @Lazy SchedulerClient queue,
                          OneTimeTask<Long> explanationSafetyNetTask) {
        this.clock = clock;
        this.explanations = explanations;
        this.queue = queue;
        this.safetyNet = explanationSafetyNetTask;
        this.jobs = jobs;
        this.images = images;
        this.cases = cases;
        this.caseService = caseService;
        this.store = store;
        this.inference = inference;
        this.predictions = predictions;
        this.audit = audit;
        this.publisher = publisher;
        this.transaction = new TransactionTemplate(txManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** @param node the scheduler instance running it (db-scheduler's picked-by), recorded to show which node did the work */
    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public void run(long jobId, String node) {
        Attempt attempt = transaction.execute(status -> start(jobId, node));
        if (attempt == null) {
            return;
        }
        if (attempt.explanationOnly() != null) {
            explanations.runHere(jobId, () -> explain(attempt, attempt.explanationOnly()));
            return;
        }
        PredictionOutcome outcome;
        try {
            Path original = store.pathOf(attempt.image().getSha256());
            PredictionRequest request = withDepartmentDefault(new PredictionRequest(PredictionMode.AUTO,
                    statedMagnification(attempt.image()), attempt.modelId()));
            outcome = inference.predict(original, request, progressOf(attempt)::report);
        } catch (ImageRejectedException | PredictionFailedException e) {
            // expected refusals carry messages written for users; no stack trace needed. A refused image or one
            // without tissue is an answer about the input; model problems are the administrators' to fix.
            // An unreadable stored original is the administrators' to fix, not an answer about the image.
            if (e instanceof ImageRejectedException r && r.reason() != ImageRejectedException.Reason.UNREADABLE
                    || e instanceof PredictionFailedException p && p.isAboutTheImage()) {
                log.info("Prediction job {} (attempt {}) refused its image: {}", jobId, attempt.number(), e.getMessage());
            } else {
                log.warn("Prediction job {} (attempt {}) failed: {}", jobId, attempt.number(), e.getMessage());
            }
            // an image refusal is written for people even when it wraps the decoder's cause; a prediction failure
            // that wraps a technical cause (ONNX Runtime's own text) keeps only a reference to it
            failIfCurrent(attempt, ErrorReference.jobRefusalText(log, "Prediction job " + jobId, e));
            return;
        } catch (RuntimeException e) {
            failIfCurrent(attempt, ErrorReference.jobFailureText(log, "Prediction job " + jobId + " (attempt "
                    + attempt.number() + ")", e));
            return;
        }
        PendingExplanation pending;
        try {
            pending = transaction.execute(status -> finish(attempt, outcome));
        } catch (DataIntegrityViolationException e) {
            log.info("Prediction job {} (attempt {}) already has a result; this one is discarded", jobId, attempt.number());
            return;
        } catch (RuntimeException e) {
            failIfCurrent(attempt, ErrorReference.jobFailureText(log, "Storing the result of prediction job " + jobId
                    + " (attempt " + attempt.number() + ")", e));
            return;
        }
        if (pending != null) {
            explanations.submit(jobId, () -> explain(attempt, pending));
        }
    }

    /**
     * One execution of a job: the attempt number it got when it started is its claim on the job.
     *
     * @param explanationOnly set when the job is DONE and only its explanation is left to compute
     */
    private record Attempt(long jobId, int number, CaseImage image, Long modelId, String requestedBy, String node,
                           PendingExplanation explanationOnly) {
    }

    /** The stored result whose explanation is still to be computed, with the model and probability it had. */
    private record PendingExplanation(long predictionId, long modelId, double probability) {
    }

    /**
     * The explanation step: computed outside any transaction, attached in a short one if the job still waits for
     * it. A failure here leaves the result as it is, without an explanation.
     */
    private void explain(Attempt attempt, PendingExplanation pending) {
        byte[] png;
        try {
            png = inference.explainPatch(store.pathOf(attempt.image().getSha256()), pending.modelId(),
                    pending.probability());
        } catch (RuntimeException e) {
            log.warn("Prediction job {}: the explanation of prediction {} could not be computed: {}", attempt.jobId(),
                    pending.predictionId(), e.getMessage());
            png = null;
        }
        byte[] computed = png;
        transaction.executeWithoutResult(status -> jobs.lockById(attempt.jobId())
                .filter(job -> job.getExplanationModelId() != null
                        && Long.valueOf(pending.predictionId()).equals(job.getPredictionId()))
                .ifPresent(job -> {
                    if (computed != null) {
                        predictions.attachExplanation(pending.predictionId(), computed);
                    }
                    job.explanationSettled();
                    publisher.publishEvent(new JobChanged(job.toSummary(attempt.image().getOriginalFilename())));
                }));
        try {
            queue.cancel(TaskInstanceId.of(PredictionTaskConfiguration.EXPLANATION_SAFETY_NET, safetyNetId(attempt.jobId())));
        } catch (RuntimeException notThereOrRunning) {
            // already gone, or it is the safety net itself that computed the explanation: it ends by itself
        }
    }

    @Unguarded("internal to the cases feature (Modulith keeps other features out): called by its guarded services and jobs")
    public static String safetyNetId(long jobId) {
        return "job-" + jobId + "-explanation";
    }

    /** Marks the job running as a new attempt, or returns null when there is nothing (more) to do. */
    private Attempt start(long jobId, String node) {
        PredictionJob job = jobs.lockById(jobId).orElse(null);
        if (job != null && job.getStatus() == JobStatus.DONE && job.getExplanationModelId() != null) {
            // revived after the result was stored: only the explanation is left
            CaseImage image = images.findById(job.getImageId()).orElseThrow();
            double probability = predictions.find(job.getPredictionId()).orElseThrow().probability();
            return new Attempt(jobId, job.getAttempts(), image, job.getModelId(), job.getRequestedBy(), node,
                    new PendingExplanation(job.getPredictionId(), job.getExplanationModelId(), probability));
        }
        if (job == null || job.getStatus() == JobStatus.DONE || job.getStatus() == JobStatus.FAILED) {
            return null;
        }
        boolean revived = job.getStatus() == JobStatus.RUNNING;
        job.start(clock.instant());
        CaseImage image = images.findById(job.getImageId()).orElseThrow();
        audit.recordForCase(CaseAuditAction.PREDICTION_STARTED, JOB, String.valueOf(jobId), job.getCaseId(),
                Map.of("imageId", job.getImageId(), "attempt", job.getAttempts(), "afterInterruption", revived,
                        "node", node == null ? "" : node));
        publisher.publishEvent(new JobChanged(job.toSummary(image.getOriginalFilename())));
        return new Attempt(jobId, job.getAttempts(), image, job.getModelId(), job.getRequestedBy(), node, null);
    }

    /** Locks the job; empty when another attempt took it over or it is no longer running. */
    private java.util.Optional<PredictionJob> lockIfCurrent(Attempt attempt) {
        return jobs.lockById(attempt.jobId())
                .filter(job -> job.getStatus() == JobStatus.RUNNING && job.getAttempts() == attempt.number());
    }

    /** @return the explanation to compute next, or null when none follows */
    private PendingExplanation finish(Attempt attempt, PredictionOutcome outcome) {
        PredictionJob job = lockIfCurrent(attempt).orElse(null);
        if (job == null) {
            log.info("Prediction job {} attempt {} was superseded; its result is discarded", attempt.jobId(),
                    attempt.number());
            return null;
        }
        CaseImage image = attempt.image();
        // sign-out locks the case too: it either sees this job running or this result stored
        PatientCase owner = cases.lockById(image.getCaseId()).orElseThrow();
        boolean late = owner.getStatus() == CaseStatus.SIGNED_OUT;
        StoredPrediction stored = predictions.store(image.getCaseId(), image.getId(), attempt.jobId(), outcome,
                attempt.requestedBy());
        Long explainWith = outcome.explanationFollows() ? outcome.registeredModelId() : null;
        job.succeed(stored.id(), clock.instant(), explainWith);
        if (explainWith != null) {
            // the explanation runs on this node's own thread; should the node stop first, this later execution
            // of the job (on any node) computes it
            queue.schedule(safetyNet.instance(safetyNetId(attempt.jobId()), attempt.jobId()),
                    clock.instant().plus(EXPLANATION_SAFETY_NET));
        }
        if (!late) {
            caseService.moveToReviewIfOpen(image.getCaseId(), attempt.requestedBy());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("predictionId", stored.id());
        details.put("label", stored.label());
        details.put("probability", stored.probability());
        details.put("model", stored.modelId() + " " + stored.modelVersion());
        details.put("attempt", attempt.number());
        details.put("node", attempt.node() == null ? "" : attempt.node());
        audit.recordForCase(late ? CaseAuditAction.PREDICTION_ARRIVED_AFTER_SIGN_OUT : CaseAuditAction.PREDICTION_COMPLETED,
                JOB, String.valueOf(attempt.jobId()), image.getCaseId(), details);
        publisher.publishEvent(new PredictionCompleted(stored.id(), image.getCaseId(), owner.getAccessionNumber(),
                image.getId(), image.getOriginalFilename(), stored.probability(), stored.threshold(),
                stored.label(), stored.modelId(), stored.modelVersion(), stored.createdAt(), late,
                stored.assessment().indeterminate(), stored.assessment().outOfDomain()));
        publisher.publishEvent(new JobChanged(job.toSummary(image.getOriginalFilename())));
        return explainWith == null ? null : new PendingExplanation(stored.id(), explainWith, stored.probability());
    }

    private DepartmentPixelSizeService departmentPixelSize;

    /** Set after construction, so that the executor's constructor stays as the queue builds it. */
    @org.springframework.beans.factory.annotation.Autowired
    void useDepartmentPixelSize(DepartmentPixelSizeService departmentPixelSize) {
        this.departmentPixelSize = departmentPixelSize;
    }

    /** The department's default pixel size (issue 22), for files without one when nothing was stated. */
    private PredictionRequest withDepartmentDefault(PredictionRequest request) {
        return departmentPixelSize == null ? request : departmentPixelSize.current()
                .map(d -> request.withDepartmentDefault(d.micronsPerPixel())).orElse(request);
    }

    /** The uploader's stated pixel size as the objective magnification the inference request takes. */
    private static Double statedMagnification(CaseImage image) {
        Double microns = image.getStatedMicronsPerPixel();
        return microns == null ? null : new StatedPixelSize(microns, "").magnification();
    }

    private void failIfCurrent(Attempt attempt, PeopleText reason) {
        transaction.executeWithoutResult(status -> lockIfCurrent(attempt).ifPresent(job -> {
            job.fail(reason, clock.instant());
            audit.recordForCase(CaseAuditAction.PREDICTION_FAILED, JOB, String.valueOf(attempt.jobId()),
                    job.getCaseId(), Map.of("reason", reason.english(), "attempt", attempt.number()));
            publisher.publishEvent(new JobChanged(job.toSummary(attempt.image().getOriginalFilename())));
        }));
    }

    /** Stores progress in its own short transactions, at most twice a second, for the views to show. */
    private ProgressThrottle progressOf(Attempt attempt) {
        return new ProgressThrottle(clock, fraction -> transaction.executeWithoutResult(status -> jobs
                .findById(attempt.jobId())
                .filter(job -> job.getStatus() == JobStatus.RUNNING && job.getAttempts() == attempt.number())
                .ifPresent(job -> {
                    job.progress(fraction);
                    publisher.publishEvent(new JobChanged(job.toSummary(attempt.image().getOriginalFilename())));
                })));
    }
}
