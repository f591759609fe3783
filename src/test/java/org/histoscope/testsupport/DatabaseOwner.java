package org.histoscope.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.histoscope.platform.internal.EmbeddedDatabaseCredentials;
import org.histoscope.platform.internal.EmbeddedPostgresConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A database insider: a connection as the schema owner (what Flyway migrates with), who can do what the
 * application's role cannot, such as disabling audit_event's triggers. Tests use it to forge history.
 */
public final class DatabaseOwner implements AutoCloseable {

    private final SingleConnectionDataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    public DatabaseOwner(EmbeddedPostgres postgres) {
        String url = postgres.getJdbcUrl(EmbeddedPostgresConfiguration.OWNER_ROLE, "postgres");
        String password = EmbeddedDatabaseCredentials.of(postgres)
                .map(credentials -> credentials.owner()).orElseThrow(() -> new IllegalStateException(
                        "not a cluster this application started: its owner's password is unknown"));
        this.dataSource = new SingleConnectionDataSource(url, EmbeddedPostgresConfiguration.OWNER_ROLE, password, true);
        this.jdbc = new JdbcTemplate(dataSource);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** Runs the statements with audit_event's append-only triggers switched off, as only its owner can. */
    public void withAuditTriggersDisabled(String... statements) {
        transactions.executeWithoutResult(status -> {
            jdbc.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            for (String statement : statements) {
                jdbc.execute(statement);
            }
            jdbc.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
        });
    }

    @Override
    public void close() {
        dataSource.destroy();
    }
}
