package org.histoscope.fhir.internal;

import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import org.histoscope.security.SystemIdentity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** The durable delivery task of the FHIR outbox: one db-scheduler execution per attempt, its data the fhir_message id. */
@Configuration(proxyBeanMethods = false)
class FhirPushConfiguration {

    static final String TASK_NAME = "fhir-message";

    @Bean
    OneTimeTask<Long> fhirMessageTask(@Lazy FhirDelivery delivery) {
        return Tasks.oneTime(TASK_NAME, Long.class)
                .execute((instance, context) -> SystemIdentity.run(() -> delivery.attempt(instance.getData())));
    }
}
