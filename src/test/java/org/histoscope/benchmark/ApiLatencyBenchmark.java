package org.histoscope.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import org.histoscope.HistoscopeApplication;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.internal.JobChanged;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.tokens.ApiTokenService;
import org.histoscope.tokens.NewApiToken;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.PayloadApplicationEvent;

/**
 * Latency of the API's patch flow, as an integration sees it: upload one patch, wait for its job's end with the
 * long-poll ({@code GET /api/v1/jobs/{id}?waitSeconds=20}; {@code -DwaitSeconds=0}: poll every 20 ms as before,
 * {@code -Dcompare=true}: both, taking turns upload by upload), read the result. Starts the app (embedded PostgreSQL, real model) and sends -Dcount=100 uploads one after
 * another; prints p50, p95 and max, the queue wait (upload answered -> job started, from the job's startedAt) and
 * the job's own run time (startedAt -> finishedAt) and the time from the result's storing to the client's read of it. Not a test: run with benchmark/api-latency.sh.
 * The job's run time is given twice: to its stored result (the probability after the 8 test-time views), and to its
 * stored explanation (the 81-view occlusion map that follows as its own step), which together are what the issue's
 * first measurement called the job (1.2 s then, before the result was stored ahead of the explanation). The
 * explanation's end is heard in-process, from the job's change event, so that no extra request disturbs the run.
 * <p>
 * The test classpath carries the tests' configuration (a 500 ms queue poll, 1 s heartbeats): the queue settings of
 * the shipped application.yml are passed explicitly, so that the figures are those of a real installation. Vaadin
 * runs in production mode: the token Maven's build-frontend writes is gone once Maven exits.
 */
public final class ApiLatencyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** When each job's explanation was stored (or the job ended without one), by job id. */
    private static final Map<Long, Instant> EXPLAINED = new ConcurrentHashMap<>();
    private static final Duration EXPLANATION_BACKLOG_WAIT = Duration.ofSeconds(120);

    private ApiLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.getInteger("count", 100);
        Path work = Path.of("target", "api-latency", UUID.randomUUID().toString()).toAbsolutePath();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(HistoscopeApplication.class).run(
                "--server.port=0", "--spring.main.banner-mode=off", "--logging.level.root=warn",
                "--histoscope.embedded-db.data-directory=" + work.resolve("postgres"), "--histoscope.embedded-db.clean=true",
                "--histoscope.storage.directory=" + work.resolve("images"),
                "--histoscope.models.evaluation-directory=" + work.resolve("evaluations"),
                "--histoscope.security.initial-admin-password=Benchmark-Admin-Password-2026",
                "--vaadin.productionMode=true",
                "--db-scheduler.polling-interval=2s", "--db-scheduler.heartbeat-interval=30s",
                "--db-scheduler.missed-heartbeats-limit=6")) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            app.addApplicationListener((ApplicationListener<ApplicationEvent>) event -> {
                if (event instanceof PayloadApplicationEvent<?> payload && payload.getPayload() instanceof JobChanged changed
                        && changed.job().status() == JobStatus.DONE && !changed.job().explanationPending()) {
                    EXPLAINED.putIfAbsent(changed.job().id(), Instant.now());
                }
            });
            String token = TestAccounts.runAs("admin", Set.of(Roles.ADMIN), () -> app.getBean(ApiTokenService.class)
                    .create(new NewApiToken("latency-benchmark", Set.of(Roles.PATHOLOGIST),
                            Instant.now().plus(Duration.ofDays(1)), 100_000))).secret();
            Client client = new Client("http://localhost:" + port, token);
            long patientId = client.post("/api/v1/patients", "application/json",
                    "{\"mrn\":\"BENCH-1\",\"fullName\":\"Bench Mark\",\"dateOfBirth\":\"1970-01-01\",\"sex\":\"UNKNOWN\"}"
                            .getBytes(StandardCharsets.UTF_8)).get("id").asLong();
            long caseId = client.post("/api/v1/cases", "application/json", ("{\"accessionNumber\":\"BENCH-1\","
                    + "\"patientId\":" + patientId + ",\"specimen\":\"benchmark\"}").getBytes(StandardCharsets.UTF_8))
                    .get("id").asLong();
            BufferedImage patch = ImageIO.read(ApiLatencyBenchmark.class.getResourceAsStream("/journeys/idc-9290-class1.png"));
            int waitSeconds = Integer.getInteger("waitSeconds", 20);
            boolean compare = Boolean.getBoolean("compare");
            // with -Dcompare=true the two ways of waiting take turns, upload by upload, in one run: a shared,
            // loaded machine's drift then falls on both alike
            int[] modes = compare ? new int[] {0, waitSeconds} : new int[] {waitSeconds};
            for (int mode : modes) {
                flow(client, caseId, patch, -1 - mode, mode); // warm-up
            }
            long[][][] timings = new long[modes.length][count][];
            Instant start = Instant.now();
            for (int i = 0; i < count; i++) {
                for (int m = 0; m < modes.length; m++) {
                    timings[m][i] = flow(client, caseId, patch, i * modes.length + m, modes[m]);
                }
            }
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            awaitExplanations(timings); // the main run's queued explanations end first
            long[] wholeJobMillis = wholeJobs(client, caseId, patch, Math.max(5, count / 3), waitSeconds,
                    count * modes.length);
            for (int m = 0; m < modes.length; m++) {
                report(modes[m] == 0 ? "polling every 20 ms" : "long-poll (waitSeconds=" + modes[m] + ")",
                        timings[m], count * modes.length / seconds, wholeJobMillis);
            }
        }
    }

    private static void report(String how, long[][] timings, double uploadsPerSecond, long[] wholeJobMillis) {
        int count = timings.length;
        long[] millis = column(timings, 0);
        long[] uploadMillis = column(timings, 1);
        long[] queueMillis = column(timings, 2);
        long[] runMillis = column(timings, 3);
        long[] afterMillis = column(timings, 4);
        System.out.printf(Locale.ROOT, "== waiting for the job by %s ==%n", how);
        System.out.printf(Locale.ROOT, "API patch upload -> result, %d sequential uploads, %d CPUs: p50 %d ms, "
                        + "p95 %d ms, max %d ms, mean %.0f ms; upload request alone p50 %d ms, p95 %d ms; %.1f uploads/s%n",
                count, Runtime.getRuntime().availableProcessors(), percentile(millis, 50), percentile(millis, 95),
                Arrays.stream(millis).max().orElse(0), Arrays.stream(millis).average().orElse(0),
                percentile(uploadMillis, 50), percentile(uploadMillis, 95), uploadsPerSecond);
        System.out.printf(Locale.ROOT, "queue wait p50: %d ms%n", percentile(queueMillis, 50));
        System.out.printf(Locale.ROOT, "queue wait p95: %d ms%n", percentile(queueMillis, 95));
        System.out.printf(Locale.ROOT, "queue wait max: %d ms; jobs that waited >= 1 s: %d of %d%n",
                Arrays.stream(queueMillis).max().orElse(0), Arrays.stream(queueMillis).filter(m -> m >= 1000).count(),
                count);
        System.out.printf(Locale.ROOT, "job run (started -> result stored) p50: %d ms, p95: %d ms%n",
                percentile(runMillis, 50), percentile(runMillis, 95));
        System.out.printf(Locale.ROOT, "result stored -> result read by the client p50: %d ms, p95: %d ms%n",
                percentile(afterMillis, 50), percentile(afterMillis, 95));
        System.out.printf(Locale.ROOT, "upload -> result p95 / job run p50: %.2fx%n",
                (double) percentile(millis, 95) / Math.max(1, percentile(runMillis, 50)));
        if (wholeJobMillis.length > 0) {
            System.out.printf(Locale.ROOT, "job with its explanation, one job at a time (started -> explanation stored) "
                    + "p50: %d ms, p95: %d ms (%d jobs)%n", percentile(wholeJobMillis, 50), percentile(wholeJobMillis, 95),
                    wholeJobMillis.length);
            System.out.printf(Locale.ROOT, "upload -> result p95 / job with its explanation p50: %.2fx%n",
                    (double) percentile(millis, 95) / Math.max(1, percentile(wholeJobMillis, 50)));
        }
    }

    /**
     * The job as the issue first measured it, its result and its explanation: uploads one at a time, each waiting
     * until its explanation is stored before the next (in the main run the explanations of quick uploads queue behind
     * each other on the explanation worker, so their end says more about that queue than about one job).
     */
    private static long[] wholeJobs(Client client, long caseId, BufferedImage patch, int count, int waitSeconds,
                                    int firstSeed) throws Exception {
        long[] millis = new long[count];
        for (int i = 0; i < count; i++) {
            long[] row = flow(client, caseId, patch, firstSeed + i, waitSeconds);
            Instant deadline = Instant.now().plusSeconds(60);
            while (!EXPLAINED.containsKey(row[5]) && Instant.now().isBefore(deadline)) {
                Thread.sleep(5);
            }
            Instant explained = EXPLAINED.get(row[5]);
            millis[i] = explained == null ? -1 : explained.toEpochMilli() - row[6];
        }
        return Arrays.stream(millis).filter(m -> m >= 0).toArray();
    }

    private static void awaitExplanations(long[][][] timings) throws InterruptedException {
        Instant deadline = Instant.now().plus(EXPLANATION_BACKLOG_WAIT);
        while (Arrays.stream(timings).flatMap(Arrays::stream).anyMatch(row -> !EXPLAINED.containsKey(row[5]))
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
        }
    }

    private static long[] column(long[][] rows, int index) {
        return Arrays.stream(rows).mapToLong(row -> row[index]).toArray();
    }

    /**
     * @return {upload to result, upload request alone, queue wait (upload answered to job started, 0 when the job
     * started before the answer arrived), job run (started to finished), result stored to read, job run with its
     * explanation (started to explanation stored; -1 when not heard within the next flows)}, all in ms
     */
    private static long[] flow(Client client, long caseId, BufferedImage patch, int seed, int waitSeconds)
            throws Exception {
        byte[] png = distinct(patch, seed);
        long t0 = System.nanoTime();
        JsonNode upload = client.post("/api/v1/cases/" + caseId + "/images?fileName=p" + seed + ".png", "image/png", png);
        long t1 = System.nanoTime();
        Instant answered = Instant.now();
        long jobId = upload.get("job").get("id").asLong();
        JsonNode job;
        String poll = "/api/v1/jobs/" + jobId + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : "");
        while (!(job = client.get(poll)).get("status").asText().equals("DONE")) {
            if (job.get("status").asText().equals("FAILED")) {
                throw new IllegalStateException("job failed: " + job);
            }
            if (waitSeconds == 0) {
                Thread.sleep(20);
            }
        }
        client.get("/api/v1/results/" + job.get("predictionId").asLong());
        long t2 = System.nanoTime();
        Instant read = Instant.now();
        Instant started = Instant.parse(job.get("startedAt").asText());
        Instant finished = Instant.parse(job.get("finishedAt").asText());
        return new long[] {(t2 - t0) / 1_000_000, (t1 - t0) / 1_000_000,
                Math.max(0, Duration.between(answered, started).toMillis()),
                Duration.between(started, finished).toMillis(), Math.max(0, Duration.between(finished, read).toMillis()),
                jobId, started.toEpochMilli()};
    }

    private static byte[] distinct(BufferedImage patch, int seed) throws Exception {
        BufferedImage copy = new BufferedImage(patch.getWidth(), patch.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(patch, 0, 0, null);
        copy.setRGB(0, 0, 0x010203 * (seed + 2));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(copy, "png", out);
        return out.toByteArray();
    }

    private static long percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private record Client(String base, String token) {
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        JsonNode get(String path) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        JsonNode post(String path, String type, byte[] body) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        }

        private JsonNode send(HttpRequest.Builder request) throws Exception {
            HttpResponse<byte[]> response = HTTP.send(request.header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(response.statusCode() + " " + new String(response.body(), StandardCharsets.UTF_8));
            }
            return JSON.readTree(response.body());
        }
    }

}
