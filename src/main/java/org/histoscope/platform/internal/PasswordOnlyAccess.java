package org.histoscope.platform.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Replaces the "trust everyone" client authentication that Zonky's initdb writes with password authentication
 * (SCRAM-SHA-256) for every role, and from the loopback interface or the local socket only. Called once the roles
 * have their passwords; on a fresh cluster the superuser is trusted from loopback only until then (an empty
 * database, for a fraction of a second).
 */
final class PasswordOnlyAccess {

    static final String HBA = """
            # Written by Histoscope at every start of the embedded PostgreSQL (platform.PasswordOnlyAccess):
            # every role, the superuser included, needs its password; nothing but this machine may connect.
            local   all   all                  scram-sha-256
            host    all   all   127.0.0.1/32   scram-sha-256
            host    all   all   ::1/128        scram-sha-256
            """;
    private static final long RELOAD_WAIT_MILLIS = 10_000;

    private PasswordOnlyAccess() {
    }

    static void enforce(EmbeddedPostgres postgres, Path dataDirectory) {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            if (Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).equals(HBA)) {
                return;
            }
            Files.writeString(hba, HBA, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + hba, e);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement sql = c.createStatement()) {
            sql.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IllegalStateException("The embedded PostgreSQL did not reload its client authentication", e);
        }
        awaitPasswordRequired(postgres);
    }

    /** The reload is asynchronous: return only once a connection without a password is refused. */
    private static void awaitPasswordRequired(EmbeddedPostgres postgres) {
        long deadline = System.nanoTime() + RELOAD_WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            try (Connection ignored = postgres.getDatabase(EmbeddedDatabaseCredentials.SUPERUSER_ROLE,
                    EmbeddedPostgresConfiguration.DATABASE, Map.of()).getConnection()) {
                Thread.onSpinWait();
            } catch (SQLException refused) {
                return;
            }
        }
        throw new IllegalStateException("The embedded PostgreSQL still accepts connections without a password");
    }
}
