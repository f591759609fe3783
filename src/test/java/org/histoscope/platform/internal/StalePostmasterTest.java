package org.histoscope.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The embedded database's folder is freed only from a server that is ours and orphaned; else a clear message. */
class StalePostmasterTest {

    private final Path folder = Path.of("target", "stale-postmaster", UUID.randomUUID().toString()).toAbsolutePath();

    @Test
    void aServerThatARunningApplicationUsesIsLeftAloneWithAClearMessage() throws Exception {
        Files.createDirectories(folder);
        try (EmbeddedPostgres running = EmbeddedPostgres.builder().setDataDirectory(folder).start()) {
            assertThatThrownBy(() -> StalePostmaster.stopIfOrphaned(folder, Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is in use by PostgreSQL")
                    .hasMessageContaining("HISTOSCOPE_DATA_DIR");
            try (var connection = running.getPostgresDatabase().getConnection()) {
                assertThat(connection.isValid(5)).isTrue();
            }
        }
    }

    @Test
    void aLockFileNamingAProcessThatIsNoPostgresIsRemoved() throws Exception {
        Files.createDirectories(folder);
        // after a reboot the old pid may belong to anything, here: this JVM
        Path pidFile = Files.writeString(folder.resolve("postmaster.pid"),
                ProcessHandle.current().pid() + "\n" + folder + "\n");
        StalePostmaster.stopIfOrphaned(folder, Duration.ofSeconds(10));
        assertThat(pidFile).doesNotExist();
    }

    @Test
    void aLockFileOfAProcessThatIsGoneIsLeftToPostgresql() throws Exception {
        Files.createDirectories(folder);
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path pidFile = Files.writeString(folder.resolve("postmaster.pid"), gone.pid() + "\n" + folder + "\n");
        StalePostmaster.stopIfOrphaned(folder, Duration.ofSeconds(10));
        assertThat(pidFile).exists();
    }
}
