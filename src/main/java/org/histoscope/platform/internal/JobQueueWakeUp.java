package org.histoscope.platform.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.histoscope.platform.Unguarded;

/**
 * Starts a queued job as soon as the transaction that queued it commits, instead of at the queue's next poll.
 * db-scheduler's own immediate execution wakes the scheduler the moment a job is scheduled, while the queuing
 * transaction is still open: the scheduler looks before the new row is visible, finds nothing and sleeps a whole
 * polling interval. This listener of every scheduled execution wakes it after commit instead, and tells the other
 * nodes through PostgreSQL's {@code NOTIFY}, which the database delivers only when (and if) the transaction commits
 * ({@link JobQueueListener} hears it there). Nothing happens on rollback. Polling stays as the safety net.
 */
@Component
@Unguarded("db-scheduler's callback when a job is scheduled; it only wakes the queue")
class JobQueueWakeUp extends AbstractSchedulerListener {

    /** The PostgreSQL notification channel; the payload is the process that queued the job. */
    static final String CHANNEL = "histoscope_job_queue";

    private final ObjectProvider<Scheduler> scheduler;
    private final JdbcTemplate jdbc;
    /** Tells this node's own notifications apart: it already woke up after commit. */
    private final String node = UUID.randomUUID().toString();

    JobQueueWakeUp(ObjectProvider<Scheduler> scheduler, JdbcTemplate jdbc) {
        this.scheduler = scheduler;
        this.jdbc = jdbc;
    }

    /** Called by db-scheduler in the thread (and transaction) that schedules the execution. */
    @Override
    public void onExecutionScheduled(TaskInstanceId instance, Instant executionTime) {
        // a wake-up for an execution due later costs one poll query: not worth a second clock to compare with
        notifyOtherNodes();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeThisNode();
                }
            });
        } else {
            wakeThisNode();
        }
    }

    private void notifyOtherNodes() {
        // in a transaction, PostgreSQL holds the notification back until commit and drops it on rollback
        jdbc.query("select pg_notify(?, ?)", rs -> null, CHANNEL, node);
    }

    String node() {
        return node;
    }

    /** Wakes this node's scheduler; if it is polling right now, it polls again at once instead of sleeping. */
    void wakeThisNode() {
        Scheduler running = scheduler.getIfAvailable();
        if (running != null && running.getSchedulerState().isStarted()
                && !running.getSchedulerState().isShuttingDown()) {
            running.triggerCheckForDueExecutions();
        }
    }
}
