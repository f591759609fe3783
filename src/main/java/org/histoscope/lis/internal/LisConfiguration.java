package org.histoscope.lis.internal;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.builder.support.NoValidationBuilder;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.histoscope.security.SystemIdentity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The HL7 context (MLLP framing that honours MSH-18's charset) and the durable delivery task: one db-scheduler
 * execution per attempt, its data the lis_message id. db-scheduler keeps executions in PostgreSQL and revives one
 * whose instance died, so a message queued before a restart is still sent after it.
 */
@Configuration(proxyBeanMethods = false)
class LisConfiguration {

    static final String TASK_NAME = "lis-message";

    @Bean(destroyMethod = "close")
    HapiContext hl7Context() {
        // its own threads: HAPI's default executor is one static pool shared by every context in the JVM, and
        // closing any context shuts it down for all of them
        DefaultHapiContext context = new DefaultHapiContext(Executors.newCachedThreadPool(daemonThreads()));
        // the message is built by code, not typed; the LIS validates what it accepts and says so in its ACK
        context.setValidationRuleBuilder(new NoValidationBuilder());
        context.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
        // HAPI's default id generator keeps a file "id_file" in the working directory; MSH-10 is ours anyway
        context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return context;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return work -> {
            Thread thread = new Thread(work, "hl7-mllp-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Bean
    OneTimeTask<Long> lisMessageTask(@Lazy LisDelivery delivery) {
        return Tasks.oneTime(TASK_NAME, Long.class)
                .execute((instance, context) -> SystemIdentity.run(() -> delivery.attempt(instance.getData())));
    }
}
