package org.histoscope.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Starts a real PostgreSQL (Zonky embedded binaries) when no external database is configured, so that the
 * quick start and the tests need no database server. Production sets SPRING_DATASOURCE_URL and never gets here.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoExternalDatabase.class)
@EnableConfigurationProperties(EmbeddedPostgresConfiguration.EmbeddedDbProperties.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    /**
     * @param dataDirectory where the cluster lives; survives restarts unless {@code clean} is set
     * @param clean         start from an empty cluster (tests)
     * @param port          0 picks a free port
     * @param startupWait   how long to wait for the server, including crash recovery after a power loss
     */
    @ConfigurationProperties("histoscope.embedded-db")
    public record EmbeddedDbProperties(String dataDirectory, boolean clean, int port, Duration startupWait) {
        public EmbeddedDbProperties {
            if (dataDirectory == null || dataDirectory.isBlank()) {
                dataDirectory = "./data/postgres";
            }
            if (startupWait == null || startupWait.isNegative() || startupWait.isZero()) {
                startupWait = Duration.ofMinutes(2);
            }
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(EmbeddedDbProperties properties) throws IOException {
        Path dir = Path.of(properties.dataDirectory()).toAbsolutePath().normalize();
        Files.createDirectories(dir);
        if (!properties.clean()) {
            StalePostmaster.stopIfOrphaned(dir, properties.startupWait());
        }
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(properties.clean())
                .setPGStartupWait(properties.startupWait())
                .setServerConfig("max_connections", "100");
        if (properties.port() > 0) {
            builder.setPort(properties.port());
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("The embedded PostgreSQL in " + dir + " did not start within "
                    + properties.startupWait().toSeconds() + " s (" + e.getMessage() + "). After a power loss it may "
                    + "still be recovering: start again, or allow it longer (HISTOSCOPE_EMBEDDED_DB_STARTUP_WAIT). "
                    + "PostgreSQL's own messages above say why it stopped.", e);
        }
        log.info("Embedded PostgreSQL started on port {} with data in {}", postgres.getPort(), dir);
        return postgres;
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
        dataSource.setUsername("postgres");
        dataSource.setPassword("postgres");
        dataSource.setMaximumPoolSize(10);
        dataSource.setPoolName("histoscope-embedded");
        return dataSource;
    }

    static class NoExternalDatabase implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
