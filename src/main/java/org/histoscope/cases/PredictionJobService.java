package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import java.time.Clock;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import jakarta.annotation.security.RolesAllowed;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.cases.internal.CaseAccessPolicy;
import org.histoscope.cases.internal.CaseAuditAction;
import org.histoscope.cases.internal.CaseImage;
import org.histoscope.cases.internal.CaseImageRepository;
import org.histoscope.cases.internal.JobChanged;
import org.histoscope.cases.internal.JobWaiters;
import org.histoscope.cases.internal.PredictionJob;
import org.histoscope.cases.internal.PredictionJobRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Lazy;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Queues prediction jobs (one per upload, plus explicit re-runs and retries) and reports their state. */
@Service
@RolesAllowed(Roles.PATHOLOGIST)
public class PredictionJobService {

    private static final String JOB = "prediction_job";
    /** The longest a caller may wait for a job's end in one request ({@link #awaitJob}). */
    public static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final PredictionJobRepository jobs;
    private final CaseImageRepository images;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> predictionTask;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final ApplicationEventPublisher events;
    private final CaseService cases;
    private final CaseAccessPolicy access;
    private final Duration staleHeartbeat;
    private final JobWaiters waiters;
    private final TransactionTemplate readOnly;

    private final Clock clock;

    PredictionJobService(CaseAccessPolicy access, PredictionJobRepository jobs, CaseImageRepository images,
                         @Lazy SchedulerClient scheduler, OneTimeTask<Long> predictionTask, AuditService audit, CurrentUser currentUser, ApplicationEventPublisher events,
                         CaseService cases, @Value("${db-scheduler.heartbeat-interval:5m}") Duration heartbeatInterval, Clock clock,
                         JobWaiters waiters, PlatformTransactionManager transactions) {
        this.clock = clock;
        this.waiters = waiters;
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        // db-scheduler heart-beats every interval; two missed beats mean the instance is gone or stuck
        this.staleHeartbeat = heartbeatInterval.multipliedBy(2);
        this.jobs = jobs;
        this.images = images;
        this.scheduler = scheduler;
        this.predictionTask = predictionTask;
        this.audit = audit;
        this.currentUser = currentUser;
        this.events = events;
        this.cases = cases;
        this.access = access;
    }

    /**
     * Called inside the upload's transaction, which already holds the case's share lock and found the case open: the
     * image row, its job and the queue entry commit together (a second lock of the case would be one more round trip).
     */
    JobSummary enqueueForUploadUnderCaseLock(CaseImage image) {
        return insertJob(image, false, null);
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public JobSummary rerun(long imageId, Long modelId) {
        CaseImage image = images.findById(imageId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.image-longer-exists")));
        access.requireModifiable(image.getCaseId());
        JobSummary job = enqueue(image, true, modelId);
        audit.recordForCase(CaseAuditAction.PREDICTION_RERUN_REQUESTED, JOB, String.valueOf(job.id()), image.getCaseId(),
                Map.of("imageId", imageId, "modelId", modelId == null ? "active" : modelId));
        return job;
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public JobSummary retry(long jobId) {
        PredictionJob job = jobs.lockById(jobId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.job-longer-exists")));
        access.requireModifiable(job.getCaseId());
        if (job.getStatus() != JobStatus.FAILED) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.only-failed-job-retried"));
        }
        requireNotSignedOut(job.getCaseId());
        job.requeue();
        scheduler.schedule(predictionTask.instance(instanceId(job.getId(), job.getAttempts() + 1), job.getId()),
                clock.instant());
        audit.recordForCase(CaseAuditAction.PREDICTION_RETRY_REQUESTED, JOB, String.valueOf(jobId), job.getCaseId(),
                Map.of("attempt", job.getAttempts() + 1));
        JobSummary summary = summarize(job);
        events.publishEvent(new JobChanged(summary));
        return summary;
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<JobSummary> jobsForCase(long caseId) {
        access.requireReadable(caseId);
        Map<Long, String> names = images.findByCaseIdOrderByUploadedAtAscIdAsc(caseId).stream()
                .collect(Collectors.toMap(CaseImage::getId, CaseImage::getOriginalFilename));
        List<PredictionJob> list = jobs.findByCaseIdOrderByRequestedAtAscIdAsc(caseId);
        Set<Long> interrupted = interrupted(list);
        return list.stream()
                .map(job -> job.toSummary(names.get(job.getImageId()), interrupted.contains(job.getId())))
                .toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<JobSummary> findJob(long jobId) {
        // a job of a case the user may not read (a reviewer and an OPEN case) is reported as absent
        return jobs.findById(jobId).filter(job -> access.mayRead(job.getCaseId())).map(this::summarize);
    }

    /**
     * The job's state once it has ended (DONE, its result stored, or FAILED), or when {@code wait} is over, whichever
     * comes first: the long-poll of the API. Read access is checked now, as by {@link #findJob}, and again, as the
     * same caller, when the state is read at the end. While it waits, the caller holds no thread and no database
     * connection: the job's end on this node wakes it at once, an end on another node within about a second.
     *
     * @param wait 0 to {@link #MAX_WAIT}; 0 answers at once
     * @return empty when the job does not exist or the caller may not read it, as {@link #findJob}
     */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public CompletableFuture<Optional<JobSummary>> awaitJob(long jobId, Duration wait) {
        Duration bounded = wait == null ? Duration.ZERO : wait;
        if (bounded.isNegative() || bounded.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("A job can be waited for between 0 and " + MAX_WAIT.toSeconds()
                    + " seconds.");
        }
        SecurityContext caller = SecurityContextHolder.createEmptyContext();
        caller.setAuthentication(SecurityContextHolder.getContext().getAuthentication());
        CompletableFuture<Void> ended = bounded.isZero() ? null : waiters.await(jobId, bounded);
        Optional<JobSummary> now = readJob(jobId);
        if (ended == null || now.isEmpty() || hasEnded(now.get())) {
            if (ended != null) {
                waiters.release(jobId, ended);
            }
            return CompletableFuture.completedFuture(now);
        }
        return ended.thenApplyAsync(woken -> readJobAs(caller, jobId), waiters.readers());
    }

    private static boolean hasEnded(JobSummary job) {
        return job.status() == JobStatus.DONE || job.status() == JobStatus.FAILED;
    }

    private Optional<JobSummary> readJob(long jobId) {
        return readOnly.execute(status -> jobs.findById(jobId).filter(job -> access.mayRead(job.getCaseId()))
                .map(this::summarize));
    }

    /** Reads on a waiter's thread with the rights of the caller who asked (a reviewer may have lost none meanwhile). */
    private Optional<JobSummary> readJobAs(SecurityContext caller, long jobId) {
        SecurityContextHolder.setContext(caller);
        try {
            return readJob(jobId);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public QueueStatus queueStatus() {
        List<PredictionJob> failed = jobs.findTop50ByStatusOrderByFinishedAtDesc(JobStatus.FAILED);
        Map<Long, String> names = images.findAllById(failed.stream().map(PredictionJob::getImageId).toList()).stream()
                .collect(Collectors.toMap(CaseImage::getId, CaseImage::getOriginalFilename, (a, b) -> a));
        return new QueueStatus(jobs.countByStatus(JobStatus.QUEUED), jobs.countByStatus(JobStatus.RUNNING),
                jobs.countByStatus(JobStatus.DONE), jobs.countByStatus(JobStatus.FAILED),
                failed.stream().map(job -> job.toSummary(names.get(job.getImageId()))).toList());
    }

    /** How many prediction jobs have failed (the administrators' navigation count); one count query. */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public long countFailedJobs() {
        return jobs.countByStatus(JobStatus.FAILED);
    }

    public record QueueStatus(long queued, long running, long done, long failed, List<JobSummary> recentFailures) {
    }

    /** The RUNNING jobs among these whose execution stopped heart-beating: shown as interrupted, not as running. */
    private Set<Long> interrupted(List<PredictionJob> list) {
        List<Long> running = list.stream().filter(job -> job.getStatus() == JobStatus.RUNNING).map(PredictionJob::getId)
                .toList();
        return running.isEmpty() ? Set.of()
                : new HashSet<>(jobs.withoutLiveExecution(running, staleHeartbeat.toMillis() / 1000.0));
    }

    private JobSummary enqueue(CaseImage image, boolean rerun, Long modelId) {
        requireNotSignedOut(image.getCaseId());
        return insertJob(image, rerun, modelId);
    }

    private JobSummary insertJob(CaseImage image, boolean rerun, Long modelId) {
        PredictionJob job = jobs.saveAndFlush(new PredictionJob(image.getCaseId(), image.getId(), rerun, modelId,
                currentUser.usernameOrSystem(), clock.instant()));
        scheduler.schedule(predictionTask.instance(instanceId(job.getId(), 1), job.getId()), clock.instant());
        audit.recordForCase(CaseAuditAction.PREDICTION_QUEUED, JOB, String.valueOf(job.getId()), image.getCaseId(),
                Map.of("imageId", image.getId(), "image", image.getOriginalFilename(), "rerun", rerun));
        JobSummary summary = job.toSummary(image.getOriginalFilename());
        events.publishEvent(new JobChanged(summary));
        return summary;
    }

    private void requireNotSignedOut(long caseId) {
        if (cases.lockedStatusOf(caseId) == CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.case-finalized-new-predictions-made"));
        }
    }

    private JobSummary summarize(PredictionJob job) {
        return job.toSummary(images.findById(job.getImageId()).map(CaseImage::getOriginalFilename).orElse(null));
    }

    /** One execution per attempt, so a retry is a fresh queue entry while the job row keeps its history. */
    static String instanceId(long jobId, int attempt) {
        return "job-" + jobId + "-attempt-" + attempt;
    }

}
