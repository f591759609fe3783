package org.histoscope.cases.internal;

import org.histoscope.security.SystemIdentity;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The durable queue: one db-scheduler execution per job attempt, its data the prediction_job id. db-scheduler
 * keeps it in PostgreSQL, lets any instance pick it up, heartbeats running executions and revives an execution
 * whose instance died, so a crash mid-prediction runs the job again.
 */
@Configuration(proxyBeanMethods = false)
class PredictionTaskConfiguration {

    static final String TASK_NAME = "prediction";
    /** A job's explanation, if still pending when this runs (its node stopped before computing it). */
    static final String EXPLANATION_SAFETY_NET = "prediction-explanation";

    @Bean
    OneTimeTask<Long> predictionTask(@Lazy PredictionJobExecutor executor) {
        return Tasks.oneTime(TASK_NAME, Long.class)
                .execute((instance, context) -> SystemIdentity.run(
                        () -> executor.run(instance.getData(), context.getExecution().pickedBy)));
    }

    @Bean
    OneTimeTask<Long> explanationSafetyNetTask(@Lazy PredictionJobExecutor executor) {
        return Tasks.oneTime(EXPLANATION_SAFETY_NET, Long.class)
                .execute((instance, context) -> SystemIdentity.run(
                        () -> executor.run(instance.getData(), context.getExecution().pickedBy)));
    }
}
