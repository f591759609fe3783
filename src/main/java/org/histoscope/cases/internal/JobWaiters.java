package org.histoscope.cases.internal;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.histoscope.cases.JobStatus;
import org.histoscope.platform.Unguarded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The callers waiting for a job to end (the API's long-poll, {@code GET /api/v1/jobs/{id}?waitSeconds=N}). A waiter
 * is only a future: it holds no thread and no database connection while it waits. It is completed
 * <ul>
 * <li>when a job that ran on this node is committed DONE or FAILED ({@link JobChanged}, heard after commit);</li>
 * <li>when a job that ran on another node is found DONE or FAILED by the re-check, one query for all waited jobs
 * every {@link #RECHECK} (only while someone waits);</li>
 * <li>or when its wait ends.</li>
 * </ul>
 * The caller then reads the job's state again, on {@link #readers()}, not on the thread that completed the waiter.
 */
@Component
@Unguarded("internal to the cases feature: the guarded PredictionJobService hands its waiting callers here")
public class JobWaiters {

    private static final Logger log = LoggerFactory.getLogger(JobWaiters.class);
    /** How often jobs finished elsewhere (another node, whose events this node does not hear) are looked for. */
    static final Duration RECHECK = Duration.ofSeconds(1);

    private final PredictionJobRepository jobs;
    private final Map<Long, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(work, "job-waiters");
        thread.setDaemon(true);
        return thread;
    });
    private final Executor readers = Executors.newFixedThreadPool(2, work -> {
        Thread thread = new Thread(work, "job-waiter-reads");
        thread.setDaemon(true);
        return thread;
    });

    JobWaiters(PredictionJobRepository jobs) {
        this.jobs = jobs;
        timer.scheduleWithFixedDelay(this::recheck, RECHECK.toMillis(), RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A future completed (never exceptionally) when the job ends or the wait is over, whichever comes first.
     * Register before reading the job's state, so that an end between the read and the registration is not missed.
     */
    public CompletableFuture<Void> await(long jobId, Duration wait) {
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiting.computeIfAbsent(jobId, id -> ConcurrentHashMap.newKeySet()).add(waiter);
        timer.schedule(() -> release(jobId, waiter), wait.toMillis(), TimeUnit.MILLISECONDS);
        return waiter;
    }

    /** Forgets a waiter that is no longer needed (the job had already ended when it was read). */
    public void release(long jobId, CompletableFuture<Void> waiter) {
        waiting.computeIfPresent(jobId, (id, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
        waiter.complete(null);
    }

    /** Where the waiting callers read the job's state once woken: a small pool of their own. */
    public Executor readers() {
        return readers;
    }

    /** How many callers wait for this job now. */
    public int waitingFor(long jobId) {
        Set<CompletableFuture<Void>> waiters = waiting.get(jobId);
        return waiters == null ? 0 : waiters.size();
    }

    @TransactionalEventListener(fallbackExecution = true)
    void jobChanged(JobChanged event) {
        JobStatus status = event.job().status();
        if (status == JobStatus.DONE || status == JobStatus.FAILED) {
            wake(event.job().id());
        }
    }

    private void wake(long jobId) {
        Set<CompletableFuture<Void>> waiters = waiting.remove(jobId);
        if (waiters != null) {
            waiters.forEach(waiter -> waiter.complete(null));
        }
    }

    /** The safety net for jobs that end on another node: one query for all the jobs waited for. */
    private void recheck() {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            List<Long> ended = jobs.endedAmong(List.copyOf(waiting.keySet()));
            ended.forEach(this::wake);
        } catch (RuntimeException e) {
            // the database is briefly unreachable: the waits still end at their time, and the next re-check tries again
            log.debug("Re-check of waited jobs failed: {}", e.getMessage());
        }
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        waiting.values().forEach(set -> set.forEach(waiter -> waiter.complete(null)));
        waiting.clear();
        ((java.util.concurrent.ExecutorService) readers).shutdown();
    }
}
