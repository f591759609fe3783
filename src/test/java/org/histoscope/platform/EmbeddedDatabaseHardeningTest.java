package org.histoscope.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.histoscope.platform.internal.EmbeddedDatabaseCredentials;
import org.histoscope.platform.internal.EmbeddedPostgresConfiguration;

/**
 * Issue 24 item 9: the embedded PostgreSQL ran with fsync and synchronous commit off, and local connections as the
 * owner or the superuser needed no password. Read back from the running cluster of a normal application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmbeddedDatabaseHardeningTest {

    @Autowired
    EmbeddedPostgres postgres;
    @Autowired
    EmbeddedPostgresConfiguration.EmbeddedDbProperties properties;

    @Test
    void commitsAreDurable() {
        JdbcTemplate superuser = new JdbcTemplate(postgres.getPostgresDatabase());
        assertThat(superuser.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
        assertThat(superuser.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
        assertThat(superuser.queryForObject("SHOW full_page_writes", String.class)).isEqualTo("on");
        assertThat(superuser.queryForObject("SHOW listen_addresses", String.class)).isEqualTo("localhost");
    }

    @Test
    void everyRoleNeedsItsPassword() {
        for (String role : List.of("postgres", EmbeddedPostgresConfiguration.OWNER_ROLE,
                EmbeddedPostgresConfiguration.APP_ROLE)) {
            assertThatThrownBy(() -> connect(role, Map.of())).as(role + " without a password")
                    .isInstanceOf(SQLException.class).hasMessageContaining("password");
            assertThatThrownBy(() -> connect(role, Map.of("password", "histoscope"))).as(role + " with a guess")
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        EmbeddedDatabaseCredentials credentials = EmbeddedDatabaseCredentials.of(postgres).orElseThrow();
        assertThat(new JdbcTemplate(postgres.getDatabase(EmbeddedPostgresConfiguration.OWNER_ROLE, "postgres",
                Map.of("password", credentials.owner()))).queryForObject("SELECT current_user", String.class))
                .isEqualTo(EmbeddedPostgresConfiguration.OWNER_ROLE);
        assertThat(new JdbcTemplate(postgres.getPostgresDatabase())
                .queryForObject("SELECT count(*) FROM pg_authid WHERE rolcanlogin AND (rolpassword IS NULL "
                        + "OR rolpassword NOT LIKE 'SCRAM-SHA-256$%')", Long.class)).isZero();
    }

    @Test
    void thePasswordsAreKeptForTheOwnerOfTheDataFolderOnly() throws Exception {
        Path file = Path.of(properties.credentialsFile());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).contains("histoscope_owner=")
                .contains(EmbeddedDatabaseCredentials.of(postgres).orElseThrow().superuser());
    }

    @Test
    void nothingButThisMachineCanReachIt() throws Exception {
        for (NetworkInterface network : NetworkInterface.networkInterfaces().toList()) {
            for (InetAddress address : network.inetAddresses().toList()) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(new InetSocketAddress(address, postgres.getPort()), 2000);
                        }
                    }).as("port " + postgres.getPort() + " on " + address).isInstanceOf(java.io.IOException.class);
                }
            }
        }
    }

    private void connect(String role, Map<String, String> properties) throws SQLException {
        try (Connection ignored = postgres.getDatabase(role, "postgres", properties).getConnection()) {
            // reaching this line means the server let the role in
        }
    }
}
