package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.Scheduler;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.histoscope.HistoscopeApplication;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.tokens.ApiTokenService;
import org.histoscope.tokens.NewApiToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many nodes, one queue: two application instances on one PostgreSQL and one shared images folder, each on its
 * own port. Node A runs in this JVM; node B is a separate JVM so that it can be killed (kill -9) mid-job, as a
 * crashed machine would be. 20 uploads through the API across both: every job runs exactly once and both nodes
 * take work; then a job running on B when B dies is finished by A. Prints the figures.
 */
class TwoNodeQueueTest {

    private static final Duration STARTUP = Duration.ofMinutes(12);
    private static EmbeddedPostgres postgres;
    private static ConfigurableApplicationContext nodeA;
    private static Process nodeB;
    private static int portA;
    private static int portB;
    private static JdbcTemplate jdbc;
    private static Path logB;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "two-node", UUID.randomUUID().toString())).toAbsolutePath();
        postgres = EmbeddedPostgres.builder().setDataDirectory(work.resolve("postgres")).setCleanDataDirectory(true)
                .setServerConfig("max_connections", "100").start();
        JdbcTemplate superuser = new JdbcTemplate(postgres.getPostgresDatabase());
        // the README's "Database roles": Flyway migrates as the owner, the nodes run as the app role
        superuser.execute("CREATE ROLE histoscope_owner LOGIN PASSWORD 'owner' NOSUPERUSER NOCREATEDB NOCREATEROLE");
        superuser.execute("CREATE ROLE histoscope_app LOGIN PASSWORD 'app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT");
        superuser.execute("CREATE DATABASE histoscope OWNER histoscope_owner");
        jdbc = new JdbcTemplate(postgres.getDatabase("postgres", "histoscope"));
        jdbc.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        jdbc.execute("GRANT USAGE, CREATE ON SCHEMA public TO histoscope_owner");
        jdbc.execute("GRANT USAGE ON SCHEMA public TO histoscope_app");
        List<String> shared = List.of(
                // Zonky's URLs carry the user, which overrides a separate user name: one URL per role
                "--spring.datasource.url=" + postgres.getJdbcUrl("histoscope_app", "histoscope"),
                "--spring.flyway.url=" + postgres.getJdbcUrl("histoscope_owner", "histoscope"),
                "--spring.datasource.username=histoscope_app", "--spring.datasource.password=app",
                "--spring.flyway.user=histoscope_owner", "--spring.flyway.password=owner",
                "--spring.flyway.placeholders.appRole=histoscope_app",
                "--histoscope.storage.directory=" + work.resolve("images"),
                "--histoscope.models.evaluation-directory=" + work.resolve("evaluations"),
                "--histoscope.inference.intra-op-threads=1",
                "--db-scheduler.threads=2", "--db-scheduler.polling-interval=300ms",
                "--db-scheduler.heartbeat-interval=1s", "--db-scheduler.missed-heartbeats-limit=4",
                "--db-scheduler.shutdown-max-wait=1s", "--spring.main.banner-mode=off");
        portA = freePort();
        List<String> argsA = new ArrayList<>(shared);
        argsA.addAll(List.of("--server.port=" + portA, "--db-scheduler.scheduler-name=node-a"));
        nodeA = new SpringApplicationBuilder(HistoscopeApplication.class).run(argsA.toArray(String[]::new));
        portA = ((WebServerApplicationContext) nodeA).getWebServer().getPort();

        portB = freePort();
        logB = work.resolve("node-b.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", org.histoscope.testsupport.ChildJvm.classPath(),
                HistoscopeApplication.class.getName()));
        command.addAll(shared);
        command.addAll(List.of("--server.port=" + portB, "--db-scheduler.scheduler-name=node-b"));
        nodeB = new ProcessBuilder(command).directory(new File(".").getAbsoluteFile())
                .redirectErrorStream(true).redirectOutput(logB.toFile()).start();
        awaitHealthy(portB);
    }

    @AfterAll
    static void stop() throws Exception {
        if (nodeB != null) {
            nodeB.destroyForcibly().waitFor();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void twentyUploadsAcrossTwoNodesRunOnceEachAndAStoppedNodesJobIsFinishedByTheOther() throws Exception {
        String token = TestAccounts.runAs("admin", Set.of(Roles.ADMIN), () -> nodeA.getBean(ApiTokenService.class)
                .create(new NewApiToken("two-node-lis", Set.of(Roles.PATHOLOGIST), Instant.now().plus(Duration.ofDays(1)),
                        10_000))).secret();
        ApiHttp a = new ApiHttp(portA, token);
        ApiHttp b = new ApiHttp(portB, token);
        long patientId = a.postJson("/api/v1/patients", Map.of("mrn", "TWO-NODE", "fullName", "Two Node",
                "dateOfBirth", "1960-01-01", "sex", "UNKNOWN")).json().get("id").asLong();
        long caseId = b.postJson("/api/v1/cases", Map.of("accessionNumber", "TN-1", "patientId", patientId,
                "specimen", "Lymph node")).json().get("id").asLong();

        Instant started = Instant.now();
        List<Long> jobIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ApiHttp node = i % 2 == 0 ? a : b;
            ApiHttp.Response upload = node.postMultipart("/api/v1/cases/" + caseId + "/images", "patch-" + i + ".png",
                    ApiTestContext.distinctPatch(0x10101 * (i + 1)));
            assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
            jobIds.add(upload.json().get("job").get("id").asLong());
        }
        ApiTestContext.await("20 jobs done", Duration.ofMinutes(5), () -> countDone(a, caseId) == 20);
        Duration allDone = Duration.between(started, Instant.now());

        assertThat(count("SELECT count(*) FROM prediction WHERE case_id = ?", caseId)).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM (SELECT image_id FROM prediction WHERE case_id = ? GROUP BY image_id "
                + "HAVING count(*) > 1) d", caseId)).isZero();
        assertThat(count("SELECT count(*) FROM prediction_job WHERE case_id = ? AND status = 'DONE' AND attempts = 1", caseId))
                .isEqualTo(20);
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'PREDICTION_STARTED'", caseId))
                .isEqualTo(20);
        List<Map<String, Object>> perNode = jdbc.queryForList("SELECT details ->> 'node' AS node, count(*) AS jobs "
                + "FROM audit_event WHERE case_id = ? AND action = 'PREDICTION_COMPLETED' GROUP BY 1 ORDER BY 1", caseId);
        System.out.printf("TWO-NODE: 20 uploads done in %d ms; jobs per node %s; duplicates 0%n", allDone.toMillis(), perNode);
        assertThat(perNode).extracting(row -> row.get("node")).containsExactly("node-a", "node-b");
        assertThat(perNode).allSatisfy(row -> assertThat((Long) row.get("jobs")).isPositive());

        // node A stands aside so that node B takes the next job; B is then killed while running it
        Scheduler schedulerA = nodeA.getBean(Scheduler.class);
        schedulerA.pause();
        ApiHttp.Response big = b.postRaw("/api/v1/cases/" + caseId + "/images?fileName=region.png", "image/png",
                ApiTestContext.tiledImage(16));
        assertThat(big.status()).as(big.toString()).isEqualTo(201);
        long bigJob = big.json().get("job").get("id").asLong();
        ApiTestContext.await("the big job to run on node B", Duration.ofMinutes(2), () -> {
            JsonNode job = a.get("/api/v1/jobs/" + bigJob).json();
            return job.get("status").asText().equals("RUNNING") && job.get("progress").asDouble() > 0;
        });
        assertThat(jdbc.queryForObject("SELECT picked_by FROM scheduled_tasks WHERE task_instance = ?", String.class,
                "job-" + bigJob + "-attempt-1")).isEqualTo("node-b");
        nodeB.destroyForcibly().waitFor();
        Instant killed = Instant.now();
        schedulerA.resume();
        ApiTestContext.await("node A to finish the job", Duration.ofMinutes(3),
                () -> a.get("/api/v1/jobs/" + bigJob).json().get("status").asText().equals("DONE"));
        Duration recovery = Duration.between(killed, Instant.now());
        long imageId = big.json().get("image").get("id").asLong();
        assertThat(count("SELECT count(*) FROM prediction WHERE image_id = ?", imageId)).isOne();
        List<Map<String, Object>> starts = jdbc.queryForList("SELECT details ->> 'node' AS node, "
                + "details ->> 'afterInterruption' AS revived FROM audit_event WHERE action = 'PREDICTION_STARTED' "
                + "AND target_id = ? ORDER BY id", String.valueOf(bigJob));
        assertThat(starts).extracting(row -> row.get("node") + "/" + row.get("revived"))
                .containsExactly("node-b/false", "node-a/true");
        assertThat(jdbc.queryForObject("SELECT details ->> 'node' FROM audit_event WHERE action = 'PREDICTION_COMPLETED' "
                + "AND target_id = ?", String.class, String.valueOf(bigJob))).isEqualTo("node-a");
        System.out.printf("TWO-NODE: node B killed mid-job; node A finished it %d ms later (detection after 4 missed "
                + "1 s heartbeats, then the whole job again); predictions for the image: 1%n", recovery.toMillis());
    }

    private static long countDone(ApiHttp client, long caseId) {
        JsonNode jobs = client.get("/api/v1/cases/" + caseId + "/jobs").json();
        long done = 0;
        for (JsonNode job : jobs) {
            if (job.get("status").asText().equals("FAILED")) {
                throw new AssertionError("a job failed: " + job);
            }
            done += job.get("status").asText().equals("DONE") ? 1 : 0;
        }
        return done;
    }

    private static long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitHealthy(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(STARTUP);
        while (Instant.now().isBefore(deadline)) {
            if (!nodeB.isAlive()) {
                throw new AssertionError("node B exited: " + tail(logB));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("node B did not start in " + STARTUP + ": " + tail(logB));
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 4000));
    }
}
