package org.histoscope.cases.internal;

import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.histoscope.inference.InferenceService;
import org.histoscope.platform.BackgroundPriority;
import org.springframework.transaction.PlatformTransactionManager;
import org.histoscope.security.SystemIdentity;
import org.springframework.stereotype.Component;

/**
 * Computes patch explanations (the 81-view occlusion map) on a thread of their own, one at a time, so that they never
 * occupy the job queue's threads: a prediction queued behind two explanations used to wait for one of them to end
 * (issue #28, queue wait p95 295 ms on a quiet machine). What is queued here is lost if the process stops; the
 * queue's safety-net execution of the job ({@link PredictionJobExecutor}) computes it then, on any node.
 */
@Component
class ExplanationWorker {

    /** One thread at the background priority: nobody waits at the screen for an explanation the way they do for a result. */
    private final ExecutorService thread;
    /** Jobs queued or being explained here, so that the safety net does not compute one a second time. */
    private final Map<Long, Entry> inHand = new ConcurrentHashMap<>();

    private static final class Entry {
        final Runnable work;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        boolean taken;

        Entry(Runnable work) {
            this.work = work;
        }

        /** @return whether the caller got the work (it was neither started nor taken before) */
        synchronized boolean take() {
            boolean mine = !taken;
            taken = true;
            return mine;
        }
    }

    /** Queues the explanation of a job, unless it is already in hand here. */
    void submit(long jobId, Runnable explain) {
        Entry entry = new Entry(explain);
        if (inHand.putIfAbsent(jobId, entry) != null) {
            return;
        }
        thread.execute(() -> runIfNotTaken(jobId, entry));
    }

    /**
     * For the safety net: runs the explanation in the caller's thread, unless this node is already computing it
     * (then waits for that); takes it out of this worker's queue if it was waiting there.
     */
    void runHere(long jobId, Runnable explain) {
        Entry entry = inHand.get(jobId);
        if (entry == null || entry.take()) {
            try {
                explain.run();
            } finally {
                if (entry != null) {
                    finished(jobId, entry);
                }
            }
            return;
        }
        entry.done.join();
    }

    private void runIfNotTaken(long jobId, Entry entry) {
        if (!entry.take()) {
            return;
        }
        try {
            SystemIdentity.run(entry.work);
        } finally {
            finished(jobId, entry);
        }
    }

    private void finished(long jobId, Entry entry) {
        inHand.remove(jobId, entry);
        entry.done.complete(null);
    }

    /**
     * The model and the database are passed only so that Spring stops this worker before them: an explanation still
     * running when ONNX Runtime's session is closed crashes the JVM (seen at the end of a benchmark run).
     */
    ExplanationWorker(BackgroundPriority priority, InferenceService modelStaysOpenUntilStopped,
                      PlatformTransactionManager databaseToo) {
        this.thread = Executors.newSingleThreadExecutor(priority.threads("patch-explanations"));
    }

    /** Drops what is only queued (the safety net computes it later) and waits for the explanation being computed. */
    @PreDestroy
    void stop() throws InterruptedException {
        thread.shutdownNow();
        if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("An explanation was still being computed after 60 s of shutdown");
        }
    }
}
