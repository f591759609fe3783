package org.histoscope.audit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for audit events that belong to no change of their caller (an API request's use of a token). One
 * writer thread takes every event queued at that moment and appends them in one short transaction: one chain lock,
 * one commit. Before, each request appended in a transaction of its own, and under load the requests queued for the
 * chain's lock while each held a pooled database connection, so that unrelated reads waited for a connection.
 * A caller waits until its own event is committed (the audit trail never lags behind the answers given); if the
 * batch fails, each of its events is retried alone, so one bad event fails only its own caller.
 */
public final class AuditBatchAppender {

    private static final Logger log = LoggerFactory.getLogger(AuditBatchAppender.class);
    private static final int MAX_BATCH = 500;
    private static final long WAIT_SECONDS = 60;

    private record Pending(Runnable append, CompletableFuture<Void> stored) {
    }

    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final TransactionTemplate ownTransaction;
    private Thread writer;
    private volatile boolean stopped;

    public AuditBatchAppender(TransactionTemplate ownTransaction) {
        this.ownTransaction = ownTransaction;
    }

    /** Queues the append and returns once it is committed. */
    public void appendAndWait(Runnable append) {
        if (stopped) {
            throw new IllegalStateException("The audit log is shutting down; the event was not recorded");
        }
        startWriterOnce();
        Pending pending = new Pending(append, new CompletableFuture<>());
        queue.add(pending);
        try {
            pending.stored().get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the audit event was being recorded", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("The audit event was not recorded within " + WAIT_SECONDS + " s", e);
        }
    }

    private synchronized void startWriterOnce() {
        if (writer == null) {
            writer = new Thread(this::writeUntilStopped, "audit-batch-appender");
            writer.setDaemon(true);
            writer.start();
        }
    }

    private void writeUntilStopped() {
        List<Pending> batch = new ArrayList<>();
        while (!stopped || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                stopped = true;
            } catch (RuntimeException | Error e) {
                batch.forEach(p -> p.stored().completeExceptionally(e));
                log.error("Audit batch writer: {} events could not be stored", batch.size(), e);
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        try {
            ownTransaction.executeWithoutResult(status -> batch.forEach(p -> p.append().run()));
            batch.forEach(p -> p.stored().complete(null));
        } catch (RuntimeException batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).stored().completeExceptionally(batchFailed);
                return;
            }
            for (Pending p : batch) {
                try {
                    ownTransaction.executeWithoutResult(status -> p.append().run());
                    p.stored().complete(null);
                } catch (RuntimeException e) {
                    p.stored().completeExceptionally(e);
                }
            }
        }
    }

    /** Stores what is queued, then ends the writer (at shutdown). */
    public void stop() {
        stopped = true;
        Thread running;
        synchronized (this) {
            running = writer;
        }
        if (running != null) {
            try {
                running.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        queue.forEach(p -> p.stored().completeExceptionally(
                new IllegalStateException("The audit log shut down before the event was stored")));
    }
}
