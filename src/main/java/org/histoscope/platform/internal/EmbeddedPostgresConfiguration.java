package org.histoscope.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
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
 * As in production (README "Database roles"), the schema belongs to {@value #OWNER_ROLE}, which only Flyway
 * connects as, and the application connects as {@value #APP_ROLE}, which may only INSERT and SELECT audit events
 * (grants: db/migration/afterMigrate.sql). Neither role is a superuser.
 * <p>
 * It is run as a database that must survive a power loss: fsync and synchronous commit on (Zonky's defaults turn
 * both off), listening on the loopback interface only, and every role, the superuser included, signs in with a
 * password (SCRAM-SHA-256) kept in {@link EmbeddedDatabaseCredentials}' file beside the cluster.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfiguration.NoExternalDatabase.class)
@EnableConfigurationProperties(EmbeddedPostgresConfiguration.EmbeddedDbProperties.class)
public class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);
    public static final String OWNER_ROLE = "histoscope_owner";
    public static final String APP_ROLE = "histoscope_app";
    static final String DATABASE = "postgres";

    /**
     * @param dataDirectory where the cluster lives; survives restarts unless {@code clean} is set
     * @param clean         start from an empty cluster (tests)
     * @param port          0 picks a free port
     * @param startupWait   how long to wait for the server, including crash recovery after a power loss
     * @param credentialsFile the roles' passwords (0600), created once; default: beside the data directory
     */
    @ConfigurationProperties("histoscope.embedded-db")
    public record EmbeddedDbProperties(String dataDirectory, boolean clean, int port, Duration startupWait,
                                       String credentialsFile) {
        public EmbeddedDbProperties {
            if (dataDirectory == null || dataDirectory.isBlank()) {
                dataDirectory = "./data/postgres";
            }
            if (credentialsFile == null || credentialsFile.isBlank()) {
                credentialsFile = Path.of(dataDirectory).toAbsolutePath().normalize() + "-credentials.properties";
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
        EmbeddedDatabaseCredentials credentials =
                EmbeddedDatabaseCredentials.loadOrCreate(Path.of(properties.credentialsFile()).toAbsolutePath());
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(properties.clean())
                .setPGStartupWait(properties.startupWait())
                .setServerConfig("max_connections", "100")
                // Zonky starts postgres with -F (fsync off) and synchronous_commit off: a commit could be lost, or
                // the cluster corrupted, by a power loss. These come after -F on the command line and win.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "localhost")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setConnectConfig("password", credentials.superuser());
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
        createRoles(postgres, credentials);
        PasswordOnlyAccess.enforce(postgres, dir);
        credentials.registerFor(postgres);
        return postgres;
    }

    /**
     * Creates the owner and the application role (idempotent), and hands a cluster from before the split, whose
     * objects the superuser owns, over to the owner role.
     */
    private static void createRoles(EmbeddedPostgres postgres, EmbeddedDatabaseCredentials credentials) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("""
                    DO $$
                    DECLARE item record;
                    BEGIN
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN
                            CREATE ROLE %1$s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
                        END IF;
                        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%2$s') THEN
                            CREATE ROLE %2$s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT;
                        END IF;
                        ALTER ROLE %1$s PASSWORD '%4$s';
                        ALTER ROLE %2$s PASSWORD '%5$s';
                        ALTER ROLE %3$s PASSWORD '%6$s';
                        GRANT USAGE, CREATE ON SCHEMA public TO %1$s;
                        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
                        FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '%1$s'
                        LOOP
                            EXECUTE format('ALTER TABLE public.%%I OWNER TO %1$s', item.tablename);
                        END LOOP;
                        FOR item IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                                    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '%1$s'
                        LOOP
                            EXECUTE format('ALTER FUNCTION %%s OWNER TO %1$s', item.fn);
                        END LOOP;
                    END
                    $$""".formatted(OWNER_ROLE, APP_ROLE, EmbeddedDatabaseCredentials.SUPERUSER_ROLE,
                    credentials.owner(), credentials.app(), credentials.superuser()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the database roles of the embedded PostgreSQL", e);
        }
    }

    /** Flyway migrates as the owner; the application itself never holds the owner's connection. */
    @Bean
    FlywayConfigurationCustomizer migrateAsOwner(EmbeddedPostgres postgres) {
        String password = EmbeddedDatabaseCredentials.of(postgres).orElseThrow().owner();
        return configuration -> configuration
                .dataSource(postgres.getJdbcUrl(OWNER_ROLE, DATABASE), OWNER_ROLE, password)
                .placeholders(Map.of("appRole", APP_ROLE));
    }

    @Bean
    DataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(postgres.getJdbcUrl(APP_ROLE, DATABASE));
        dataSource.setUsername(APP_ROLE);
        dataSource.setPassword(EmbeddedDatabaseCredentials.of(postgres).orElseThrow().app());
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
