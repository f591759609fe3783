package org.histoscope.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.histoscope.platform.BackgroundPriority;
import org.histoscope.testsupport.NativeThreads;
import org.junit.jupiter.api.Test;

class BackgroundJobThreadsTest {

    @Test
    void theJobQueuesThreadsRunAtTheBackgroundPriorityAndAsManyAsConfigured() throws Exception {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        DbSchedulerProperties properties = new DbSchedulerProperties();
        properties.setThreads(3);

        ExecutorService pool = new BackgroundJobThreads()
                .backgroundPriorityJobThreads(properties, new BackgroundPriority(10)).executorService().orElseThrow();
        try {
            String[] seen = pool.submit(() -> new String[] {Thread.currentThread().getName(),
                    String.valueOf(BackgroundPriority.niceOfCurrentThread().orElseThrow())}).get();

            assertThat(seen[0]).startsWith("db-scheduler-");
            assertThat(Integer.parseInt(seen[1])).isEqualTo(NativeThreads.backgroundNice(10));
            assertThat(((java.util.concurrent.ThreadPoolExecutor) pool).getMaximumPoolSize()).isEqualTo(3);
        } finally {
            pool.shutdown();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
