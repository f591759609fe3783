package org.histoscope.models.internal;

import org.histoscope.security.SystemIdentity;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Model evaluations on the durable db-scheduler queue: one execution per evaluation, its data the model_evaluation
 * id, so an evaluation survives a restart, runs on any instance and is revived when its instance dies.
 */
@Configuration(proxyBeanMethods = false)
public class EvaluationTaskConfiguration {

    public static final String TASK_NAME = "model-evaluation";

    @Bean
    OneTimeTask<Long> evaluationTask(@Lazy ModelEvaluationExecutor executor) {
        return Tasks.oneTime(TASK_NAME, Long.class)
                .execute((instance, context) -> SystemIdentity.run(() -> executor.run(instance.getData())));
    }

    public static String instanceId(long evaluationId) {
        return "evaluation-" + evaluationId;
    }
}
