package org.histoscope.audit.internal;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The audit key (outside the database) and the scheduled checkpoints of the chain's head. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(AuditProperties.class)
class AuditConfiguration {

    @Bean
    AuditKeys auditKeys(AuditProperties properties, Clock clock) {
        return AuditKeys.load(properties.keys(), properties.keyFile().toAbsolutePath().normalize(), clock);
    }
}
