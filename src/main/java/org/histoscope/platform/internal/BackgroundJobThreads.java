package org.histoscope.platform.internal;

import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerCustomizer;
import com.github.kagkarlsson.scheduler.boot.config.DbSchedulerProperties;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.histoscope.platform.BackgroundPriority;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The job queue's threads (predictions, whole slides, model evaluations, deliveries to the LIS) run at the background
 * priority: db-scheduler's own pool, of the same size ({@code db-scheduler.threads}), made by
 * {@link BackgroundPriority}. db-scheduler shuts it down when it stops. Also makes the application's
 * {@link BackgroundPriority} from {@code histoscope.background-work.*}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BackgroundWorkSettings.class)
class BackgroundJobThreads {

    @Bean
    BackgroundPriority backgroundPriority(BackgroundWorkSettings settings) {
        return new BackgroundPriority(settings.nice());
    }

    @Bean
    DbSchedulerCustomizer backgroundPriorityJobThreads(DbSchedulerProperties properties, BackgroundPriority priority) {
        return new DbSchedulerCustomizer() {
            @Override
            public Optional<ExecutorService> executorService() {
                return Optional.of(Executors.newFixedThreadPool(properties.getThreads(),
                        priority.threads("db-scheduler")));
            }
        };
    }
}
