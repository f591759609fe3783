package org.histoscope.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.event.SchedulerListener;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A queued job starts when its transaction commits, not at the next poll: two extra queue nodes on the test
 * database poll only once a minute, so a job they run within seconds was started by the wake-up (after commit on the
 * node that queued it, through {@code LISTEN/NOTIFY} on another node).
 */
@SpringBootTest
class JobQueueWakeUpTest {

    private static final Duration ONCE_A_MINUTE = Duration.ofMinutes(1);
    private static final long WITHIN_SECONDS = 20;

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    /** A queue node of its own with a task of its own, which polls once a minute. */
    private final class Node implements AutoCloseable {
        final String taskName = "wake-up-probe-" + UUID.randomUUID();
        final CountDownLatch ran = new CountDownLatch(1);
        final CountDownLatch firstPollDone = new CountDownLatch(1);
        final OneTimeTask<Void> task = Tasks.oneTime(taskName).execute((instance, context) -> ran.countDown());
        final Scheduler scheduler;
        final JobQueueWakeUp wakeUp;
        JobQueueListener listener;

        Node(boolean start) throws InterruptedException {
            Scheduler[] self = new Scheduler[1];
            wakeUp = new JobQueueWakeUp(provider(self), jdbc);
            self[0] = Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), task)
                    .pollingInterval(ONCE_A_MINUTE).threads(1).shutdownMaxWait(Duration.ofSeconds(1))
                    .addSchedulerListener(wakeUp)
                    .addSchedulerListener(new AbstractSchedulerListener() {
                        @Override
                        public void onSchedulerEvent(SchedulerListener.SchedulerEventType type) {
                            if (type == SchedulerListener.SchedulerEventType.RAN_EXECUTE_DUE) {
                                firstPollDone.countDown();
                            }
                        }
                    }).build();
            scheduler = self[0];
            if (start) {
                scheduler.start();
                // the start-up poll is over: from now on only a wake-up (or a minute) runs a new job
                assertThat(firstPollDone.await(WITHIN_SECONDS, TimeUnit.SECONDS)).isTrue();
            }
        }

        void listen() {
            listener = new JobQueueListener(dataSource, wakeUp);
            listener.start();
        }

        void queueInTransaction(Node on) {
            transactions.executeWithoutResult(status ->
                    scheduler.schedule(on.task.instance("probe-" + UUID.randomUUID()), Instant.now()));
        }

        @Override
        public void close() {
            if (listener != null) {
                listener.stop();
            }
            scheduler.stop();
        }
    }

    private static ObjectProvider<Scheduler> provider(Scheduler[] holder) {
        return new ObjectProvider<>() {
            @Override
            public Scheduler getObject(Object... args) {
                return holder[0];
            }

            @Override
            public Scheduler getIfAvailable() {
                return holder[0];
            }

            @Override
            public Scheduler getIfUnique() {
                return holder[0];
            }

            @Override
            public Scheduler getObject() {
                return holder[0];
            }
        };
    }

    @Test
    void aJobQueuedOnThisNodeStartsWhenItsTransactionCommits() throws Exception {
        try (Node node = new Node(true)) {
            node.queueInTransaction(node);
            assertThat(node.ran.await(WITHIN_SECONDS, TimeUnit.SECONDS)).as("the job ran before the next poll").isTrue();
        }
    }

    @Test
    void anIdleNodeElsewhereHearsOfTheJobAndStartsIt() throws Exception {
        try (Node queuing = new Node(false); Node idle = new Node(true)) {
            idle.listen();
            // the idle node must be listening before the job is queued; its listener wakes it once when it connects
            awaitListening();
            queuing.queueInTransaction(idle);
            assertThat(idle.ran.await(WITHIN_SECONDS, TimeUnit.SECONDS)).as("the other node ran the job").isTrue();
        }
    }

    private void awaitListening() throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(WITHIN_SECONDS);
        while (jdbc.queryForObject("SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN "
                + JobQueueWakeUp.CHANNEL + "'", Long.class) < 2 && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }
}
