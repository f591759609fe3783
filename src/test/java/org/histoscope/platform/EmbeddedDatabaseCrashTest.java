package org.histoscope.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A power cut, as near as a test gets: the application is killed with SIGKILL while a prediction job runs, then
 * started again on the same data folder with the same command. The orphaned PostgreSQL of the killed JVM must not
 * stop it from starting, and the job must complete exactly once.
 */
class EmbeddedDatabaseCrashTest {

    private final Path dataDirectory = Path.of("target", "crash-test", UUID.randomUUID().toString()).toAbsolutePath();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stopEverythingWeStarted() throws Exception {
        for (Process process : started) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        postmaster().ifPresent(postgres -> {
            postgres.destroy();
            postgres.onExit().orTimeout(30, TimeUnit.SECONDS).join();
        });
    }

    @Test
    void afterAKillDuringARunningJobTheSameStartRecoversAndTheJobCompletesExactlyOnce() throws Exception {
        Files.createDirectories(dataDirectory);
        Process first = start("first.log", "start", dataDirectory.toString(), "16");
        String running = awaitLine(first, "CRASHTEST RUNNING", 900);
        assertThat(running).as("the job should still be running when the JVM is killed").isNotNull();
        long caseId = Long.parseLong(running.split(" ")[2]);
        long jobId = Long.parseLong(running.split(" ")[3]);

        first.destroyForcibly(); // SIGKILL: no shutdown hook, no clean database shutdown
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Optional<ProcessHandle> orphan = postmaster();
        assertThat(orphan).as("the killed JVM's PostgreSQL is left running, as after a real kill -9").isPresent();

        Process second = start("second.log", "resume", dataDirectory.toString(), String.valueOf(caseId),
                String.valueOf(jobId));
        String result = awaitLine(second, "CRASHTEST RESULT", 900);
        assertThat(result).as("the second start should come up and finish the job; see " + dataDirectory
                + "/second.log").isNotNull();
        String[] facts = result.split(" ");
        assertThat(facts[2]).as("job status").isEqualTo("DONE");
        assertThat(Integer.parseInt(facts[3])).as("attempts").isEqualTo(2);
        assertThat(Long.parseLong(facts[4])).as("predictions stored for the job").isOne();
        assertThat(Long.parseLong(facts[5])).as("predictions stored for the case").isOne();
        assertThat(Long.parseLong(facts[6])).as("review queue entries of the case").isOne();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(orphan.get().isAlive()).isFalse();
    }

    private Process start(String logName, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1500m",
                "-cp", org.histoscope.testsupport.ChildJvm.classPath(), CrashingApplication.class.getName()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(process);
        PrintWriter log = new PrintWriter(Files.newBufferedWriter(dataDirectory.resolve(logName)), true);
        lines.put(process, new java.util.concurrent.LinkedBlockingQueue<>());
        CompletableFuture.runAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    log.println(line);
                    if (line.startsWith("CRASHTEST ")) {
                        lines.get(process).add(line);
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            } finally {
                log.close();
            }
        });
        return process;
    }

    private final java.util.Map<Process, java.util.concurrent.BlockingQueue<String>> lines =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The first CRASHTEST line of the process; null if it ended or the time ran out first. */
    private String awaitLine(Process process, String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String line = lines.get(process).poll(1, TimeUnit.SECONDS);
            if (line != null) {
                return line.startsWith(prefix) ? line : null;
            }
            if (!process.isAlive() && lines.get(process).isEmpty()) {
                return null;
            }
        }
        return null;
    }

    private Optional<ProcessHandle> postmaster() {
        Path pidFile = dataDirectory.resolve("postgres").resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim()))
                    .filter(ProcessHandle::isAlive);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
