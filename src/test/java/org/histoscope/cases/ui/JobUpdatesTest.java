package org.histoscope.cases.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.histoscope.cases.internal.JobChanged;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** A view that fails to take a job update is logged, and the other views still hear about the change. */
@ExtendWith(OutputCaptureExtension.class)
class JobUpdatesTest {

    @Test
    void aFailingViewIsLoggedAndTheOthersStillHear(CapturedOutput output) throws Exception {
        JobUpdates updates = new JobUpdates();
        try {
            List<Long> heard = new CopyOnWriteArrayList<>();
            CountDownLatch last = new CountDownLatch(1);
            updates.subscribe(job -> {
                throw new IllegalStateException("the view is gone");
            });
            updates.subscribe(job -> heard.add(job.id()));
            var removed = updates.subscribe(job -> heard.add(-job.id()));
            removed.remove();
            updates.subscribe(job -> last.countDown());

            updates.on(new JobChanged(job(42)));

            assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(heard).containsExactly(42L);
            assertThat(output.getOut() + output.getErr()).contains("A view failed to take the update of job 42")
                    .contains("the view is gone");
        } finally {
            updates.stop();
        }
    }

    @Test
    void aJobThatEndsWhileTheApplicationStopsDoesNotFailItsTransactionsListeners() {
        JobUpdates updates = new JobUpdates();
        updates.subscribe(job -> {
        });
        updates.stop();

        // an explanation that finishes during shutdown publishes its change after the dispatcher has stopped
        assertThatCode(() -> updates.on(new JobChanged(job(7)))).doesNotThrowAnyException();
    }

    private static JobSummary job(long id) {
        return new JobSummary(id, 1, 2, "patch.png", false, null, JobStatus.DONE, 1, null, null, java.util.List.of(), 1, 3L, "patty",
                Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, false, false);
    }
}
