package org.histoscope.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.histoscope.HistoscopeApplication;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.BrowserSession;
import org.histoscope.testsupport.NativeThreads;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.VaadinPage;
import org.histoscope.tokens.ApiTokenService;
import org.histoscope.tokens.NewApiToken;
import org.histoscope.users.UserAccountService;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Load test (issue 28): N concurrent API clients run case -> upload (50x50 IDC patches, every -DslideEvery-th upload
 * the stitched slide region of patient 8984) -> poll the job -> read the result -> read the case's reports, for
 * -Dseconds, while M headless Chromium sessions (Selenium, Debian's chromium + chromedriver) open case pages, patch
 * result pages and the slide viewer of finished results. Starts the app in this JVM (embedded PostgreSQL, real
 * model, loopback only, shipped queue settings) so that the heap, the open Vaadin UIs and the Hikari pool are read
 * directly. Bounded: no new flow starts after -Dseconds or -DmaxUploads, each job is polled for at most
 * -DjobTimeoutSeconds. Not a test (the name does not end in Test): run with benchmark/load.sh.
 * <p>
 * Prints per operation count, p50/p95/p99/max and errors; throughput; the database check of every job the clients
 * submitted (lost: not DONE at the end; run twice: more than one attempt or more than one stored result); heap per
 * open Vaadin UI (heap after GC with the browsers' UIs open, minus after they signed out, divided by the UIs that
 * closed); and the connection pool at its peak (sampled every 20 ms).
 */
public final class LoadBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Load-Benchmark-Password-2026";
    private static final String[] PATCHES = {"/images/idc/8951_idx5_x1001_y1351_class0.png",
            "/images/idc/8951_idx5_x1001_y1401_class0.png", "/images/idc/8951_idx5_x1201_y901_class1.png",
            "/journeys/idc-9290-class0.png", "/journeys/idc-9290-class1.png"};
    private static final String SLIDE = "/images/slide/idc-8984-region.png";

    private final Map<String, ConcurrentLinkedQueue<Long>> timings = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final Set<String> errorSamples = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Long> submittedJobs = new ConcurrentLinkedQueue<>();
    private final List<long[]> finishedPatches = new CopyOnWriteArrayList<>(); // {caseId, predictionId}
    private final List<long[]> finishedSlides = new CopyOnWriteArrayList<>();
    private final AtomicLong uploads = new AtomicLong();
    private final AtomicLong flows = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong pageLoads = new AtomicLong();

    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        new LoadBenchmark().run();
    }

    private void run() throws Exception {
        int clients = Integer.getInteger("clients", 50);
        int browsers = Integer.getInteger("browsers", 10);
        int seconds = Integer.getInteger("seconds", 300);
        int slideEvery = Integer.getInteger("slideEvery", 20);
        long maxUploads = Long.getLong("maxUploads", 20_000);
        long pollMillis = Long.getLong("pollMillis", 100);
        // the jobs' long-poll (0: poll every pollMillis, as before the long-poll existed)
        waitSeconds = Integer.getInteger("waitSeconds", 20);
        int jobTimeout = Integer.getInteger("jobTimeoutSeconds", 600);
        Path work = Path.of(System.getProperty("dataDir", Path.of("target", "load", UUID.randomUUID().toString())
                .toString())).toAbsolutePath();
        // The browsers stand in for workstations; on a one-machine run their rendering takes the server's cores.
        // -DbrowserNice=N runs them N nice steps lower, so that they take the CPU the server leaves (0: as is).
        int browserNice = Integer.getInteger("browserNice", 0);
        chromiumLauncher = browserNice > 0 ? niceChromium(work, browserNice) : null;
        UiCounter uis = new UiCounter();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(HistoscopeApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("loadBenchmarkUiCounter", uis))
                .run(withExtraArguments("--server.port=" + Integer.getInteger("port", 0), "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off", "--logging.level.root=warn",
                        "--histoscope.embedded-db.data-directory=" + work.resolve("postgres"),
                        "--histoscope.embedded-db.clean=true", "--histoscope.storage.directory=" + work.resolve("images"),
                        "--histoscope.models.evaluation-directory=" + work.resolve("evaluations"),
                        "--histoscope.viewer.tile-cache-directory=" + work.resolve("tile-cache"),
                        "--histoscope.audit.key-file=" + work.resolve("keys/audit-hmac.keys"),
                        "--histoscope.audit.checkpoint-file=" + work.resolve("audit/checkpoint.json"),
                        "--histoscope.security.initial-admin-password=Benchmark-Admin-Password-2026",
                        "--vaadin.productionMode=true", "--vaadin.devmode.devTools.enabled=false",
                        "--db-scheduler.polling-interval=2s", "--db-scheduler.heartbeat-interval=30s",
                        "--db-scheduler.missed-heartbeats-limit=6"))) {
            int port = ((WebServerApplicationContext) app).getWebServer().getPort();
            String base = "http://127.0.0.1:" + port;
            String token = TestAccounts.runAs("admin", Set.of(Roles.ADMIN), () -> app.getBean(ApiTokenService.class)
                    .create(new NewApiToken("load-benchmark", Set.of(Roles.PATHOLOGIST),
                            Instant.now().plus(Duration.ofDays(1)), 100_000))).secret();
            UserAccountService accounts = app.getBean(UserAccountService.class);
            for (int b = 0; b < browsers; b++) {
                TestAccounts.createReadyUser(accounts, "loadbrowser" + b, PASSWORD, Roles.PATHOLOGIST);
            }
            HikariPoolMXBean pool = app.getBean(DataSource.class).unwrap(HikariDataSource.class).getHikariPoolMXBean();
            int poolMax = app.getBean(DataSource.class).unwrap(HikariDataSource.class).getMaximumPoolSize();
            long leakMillis = Long.getLong("leakMillis", 0);
            if (leakMillis > 0) {
                // Hikari logs (WARN) the stack of every connection held longer than this; set here because the
                // embedded database's pool is built in code and does not read spring.datasource.hikari.*
                app.getBean(DataSource.class).unwrap(HikariDataSource.class).getHikariConfigMXBean()
                        .setLeakDetectionThreshold(leakMillis);
            }
            byte[][] patches = new byte[PATCHES.length][];
            for (int i = 0; i < PATCHES.length; i++) {
                patches[i] = resource(PATCHES[i]);
            }
            byte[] slide = resource(SLIDE);
            Client client = new Client(base, token, this);

            // warm-up, outside the figures: the model's first runs, and one finished patch and slide for the browsers
            long warmPatient = patient(client, "WARM");
            flow(client, warmPatient, "WARM-P", patches[0], false, pollMillis, jobTimeout);
            flow(client, warmPatient, "WARM-S", slide, true, pollMillis, jobTimeout);
            ExecutorService browserThreads = Executors.newFixedThreadPool(Math.max(1, browsers));
            List<BrowserSession> sessions = new CopyOnWriteArrayList<>();
            List<VaadinPage> pages = new CopyOnWriteArrayList<>();
            timings.clear();
            errors.clear();
            requests.set(0);
            long heapBefore = heapAfterGc();
            System.out.printf(Locale.ROOT, "warm-up done; %d clients, %d browsers, %d s, slide every %d uploads, %d CPUs%n",
                    clients, browsers, seconds, slideEvery, Runtime.getRuntime().availableProcessors());

            PoolSampler sampler = new PoolSampler(pool, uis);
            Thread sampling = new Thread(sampler, "load-pool-sampler");
            sampling.setDaemon(true);
            sampling.start();
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
            ExecutorService apiThreads = Executors.newFixedThreadPool(clients);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int clientNumber = c;
                running.add(apiThreads.submit(() -> apiClient(client, clientNumber, patches, slide, slideEvery,
                        maxUploads, deadline, pollMillis, jobTimeout)));
            }
            // the browsers sign in while the API load runs (timed as "browser sign-in"), one after another: each
            // Chromium's own start takes a core for seconds, and ten at once on two cores missed the 60 s wait
            for (int b = 0; b < browsers && System.nanoTime() < deadline; b++) {
                VaadinPage page = signIn(port, b, sessions);
                if (page != null) {
                    pages.add(page);
                    running.add(browserThreads.submit(() -> browser(page, deadline)));
                }
            }
            for (Future<?> f : running) {
                f.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            apiThreads.shutdown();
            browserThreads.shutdown();

            // heap per open UI: with every browser's UIs still held by the server, then after each signed out
            int openUis = uis.open.get();
            long heapWithUis = heapAfterGc();
            for (BrowserSession session : sessions) {
                if (pages.stream().anyMatch(page -> page.driver() == session.driver())) { // only those that signed in
                    try {
                        new VaadinPage(session.driver(), port).logout();
                    } catch (RuntimeException e) {
                        error("browser sign-out", e);
                    }
                }
                session.close();
            }
            long heapWithoutUis = heapAfterGc();
            int closedUis = openUis - uis.open.get();
            sampler.stop = true;
            sampling.join();

            report(elapsed, clients, browsers);
            System.out.printf(Locale.ROOT, "browsers' nice value: %d%n", browserNice);
            printThreadPriorities();
            checkJobs(app.getBean(JdbcTemplate.class));
            System.out.printf(Locale.ROOT, "heap after GC: %.1f MB before the load, %.1f MB at the end with %d open "
                            + "Vaadin UIs (%d sessions; peak %d UIs), %.1f MB after the browsers signed out (%d UIs closed)%n",
                    heapBefore / 1e6, heapWithUis / 1e6, openUis, uis.sessions.get(), sampler.peakUis,
                    heapWithoutUis / 1e6, closedUis);
            System.out.printf(Locale.ROOT, "heap per open Vaadin UI: %s%n", closedUis > 0
                    ? String.format(Locale.ROOT, "%.0f KB", (heapWithUis - heapWithoutUis) / 1e3 / closedUis)
                    : "n/a (no UI closed)");
            System.out.printf(Locale.ROOT, "connection pool (Hikari, max %d): peak active %d, peak total %d, "
                            + "peak threads waiting for a connection %d%n",
                    poolMax, sampler.peakActive, sampler.peakTotal, sampler.peakWaiting);
            // a peak says little about how long: the share of the run the pool was full, and when the peak came
            System.out.printf(Locale.ROOT, "connection pool over the run: all connections in use in %.1f %% of the "
                            + "samples, threads waiting in %.1f %%; the peak of waiting threads at %.0f s after the start%n",
                    100.0 * sampler.samplesAllInUse / Math.max(1, sampler.samples),
                    100.0 * sampler.samplesWithWaiting / Math.max(1, sampler.samples), sampler.peakWaitingAtMillis / 1000.0);
            int totalErrors = errors.values().stream().mapToInt(AtomicInteger::get).sum();
            System.out.printf(Locale.ROOT, "errors: %d%n", totalErrors);
            errorSamples.stream().limit(10).forEach(s -> System.out.println("  error: " + s));
        }
    }

    private void apiClient(Client client, int number, byte[][] patches, byte[] slide, int slideEvery,
                           long maxUploads, long deadline, long pollMillis, int jobTimeout) {
        long patientId;
        try {
            patientId = patient(client, "C" + number);
        } catch (Exception e) {
            error("create patient", e);
            return;
        }
        for (int n = 0; System.nanoTime() < deadline && uploads.incrementAndGet() <= maxUploads; n++) {
            boolean isSlide = slideEvery > 0 && (n * 7919L + number) % slideEvery == slideEvery - 1;
            byte[] image = isSlide ? slide : patches[(n + number) % patches.length];
            try {
                flow(client, patientId, "L" + number + "-" + n, image, isSlide, pollMillis, jobTimeout);
                flows.incrementAndGet();
            } catch (RequestFailed e) {
                // counted under its request's operation
            } catch (Exception e) {
                error(isSlide ? "slide flow" : "patch flow", e);
            }
        }
    }

    /** One integration's round: case, upload, poll until DONE, result, the case's reports. */
    private int waitSeconds;

    /**
     * The app's arguments plus those of -DappArgs (space-separated), e.g. {@code -DappArgs=--db-scheduler.threads=1}.
     * (The embedded database's pool does not read spring.datasource.hikari.*: use -DleakMillis for its leak detection.)
     */
    private static String[] withExtraArguments(String... arguments) {
        String extra = System.getProperty("appArgs", "").trim();
        if (extra.isEmpty()) {
            return arguments;
        }
        return java.util.stream.Stream.concat(java.util.Arrays.stream(arguments),
                java.util.Arrays.stream(extra.split("\\s+"))).toArray(String[]::new);
    }

    private void flow(Client client, long patientId, String accession, byte[] image, boolean slide, long pollMillis,
                      int jobTimeout) throws Exception {
        long caseId = client.post("create case", "/api/v1/cases", "application/json", ("{\"accessionNumber\":\"" + accession
                + "\",\"patientId\":" + patientId + ",\"specimen\":\"load test\"}").getBytes(StandardCharsets.UTF_8))
                .get("id").asLong();
        long t0 = System.nanoTime();
        JsonNode upload = client.post(slide ? "upload slide" : "upload patch", "/api/v1/cases/" + caseId
                + "/images?fileName=" + accession + ".png", "image/png", image);
        long jobId = upload.get("job").get("id").asLong();
        submittedJobs.add(jobId);
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(jobTimeout);
        JsonNode job;
        String operation = waitSeconds > 0 ? "long-poll job (waits)" : "poll job";
        String poll = "/api/v1/jobs/" + jobId + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : "");
        while (!(job = client.get(operation, poll)).get("status").asText().equals("DONE")) {
            if (job.get("status").asText().equals("FAILED") || System.nanoTime() > giveUp) {
                throw new IllegalStateException("job " + jobId + " " + job.get("status").asText());
            }
            if (waitSeconds == 0) {
                Thread.sleep(pollMillis);
            }
        }
        long predictionId = job.get("predictionId").asLong();
        client.get("read result", "/api/v1/results/" + predictionId);
        record(slide ? "slide upload -> result" : "patch upload -> result", System.nanoTime() - t0);
        JsonNode versions = client.get("list reports", "/api/v1/cases/" + caseId + "/reports");
        if (!versions.isEmpty()) {
            client.bytes("read report PDF", "/api/v1/cases/" + caseId + "/report");
        }
        (slide ? finishedSlides : finishedPatches).add(new long[] {caseId, predictionId});
    }

    /** Chromium started through {@code nice}, for -DbrowserNice. */
    private Path chromiumLauncher;

    private static Path niceChromium(Path work, int nice) throws IOException {
        Files.createDirectories(work);
        Path launcher = work.resolve("chromium-nice.sh");
        Files.writeString(launcher, "#!/bin/sh\nexec nice -n " + nice + " " + BrowserSession.CHROMIUM + " \"$@\"\n");
        launcher.toFile().setExecutable(true);
        return launcher;
    }

    /**
     * The nice value of this JVM's threads by name (Linux), so that a run shows which work ran at the background
     * priority: the job queue, the explanations and ONNX Runtime's pool against the web requests.
     */
    private static void printThreadPriorities() throws IOException {
        Map<String, TreeSet<Integer>> byName = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        for (NativeThreads.NativeThread thread : NativeThreads.ofThisProcess()) {
            String name = thread.name().replaceAll("[-0-9.]+$", "");
            byName.computeIfAbsent(name, n -> new TreeSet<>()).add(thread.nice());
            counts.merge(name, 1, Integer::sum);
        }
        StringBuilder line = new StringBuilder("threads' nice values (name: threads, values):");
        byName.forEach((name, values) -> {
            if (name.startsWith("db-scheduler") || name.startsWith("patch-explan") || name.startsWith("model-runtime")
                    || name.startsWith("http-nio") || name.startsWith("audit-batch")) {
                line.append(String.format(Locale.ROOT, " %s: %d, %s;", name, counts.get(name), values));
            }
        });
        System.out.println(line);
    }

    /** Starts a browser and signs in; null (and an error counted) when that fails. */
    private VaadinPage signIn(int port, int number, List<BrowserSession> sessions) {
        try {
            BrowserSession session = chromiumLauncher == null ? new BrowserSession()
                    : BrowserSession.startedBy(chromiumLauncher.toString());
            sessions.add(session);
            VaadinPage page = new VaadinPage(session.driver(), port);
            timed("browser sign-in", () -> page.login("loadbrowser" + number, PASSWORD));
            return page;
        } catch (RuntimeException e) {
            error("browser start or sign-in", e);
            return null;
        }
    }

    /** A pathologist at a browser: case page, patch result page, slide viewer, round after round. */
    private void browser(VaadinPage page, long deadline) {
        while (System.nanoTime() < deadline) {
            long[] patch = pick(finishedPatches);
            long[] slide = pick(finishedSlides);
            try {
                timed("page case", () -> {
                    page.open("/case/" + patch[0]);
                    page.byId("case-title");
                    noErrorView(page);
                });
                timed("page patch result", () -> {
                    page.open("/result/" + patch[1]);
                    page.byId("result-label");
                    noErrorView(page);
                });
                timed("page slide viewer", () -> {
                    page.open("/result/" + slide[1]);
                    WebElement viewer = page.byId("slide-viewer");
                    new WebDriverWait(page.driver(), VaadinPage.TIMEOUT)
                            .until(d -> "true".equals(viewer.getAttribute("data-heatmap-ready")));
                    noErrorView(page);
                });
            } catch (RuntimeException e) {
                error("browser page", e);
            }
        }
    }

    private static void noErrorView(VaadinPage page) {
        if (!page.driver().findElements(By.id("error-view")).isEmpty()) {
            throw new IllegalStateException("error view: " + page.bodyText());
        }
    }

    private void timed(String operation, Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        record(operation, System.nanoTime() - t0);
        pageLoads.incrementAndGet();
    }

    private static long[] pick(List<long[]> finished) {
        return finished.get(ThreadLocalRandom.current().nextInt(finished.size()));
    }

    private long patient(Client client, String mrn) throws Exception {
        return client.post("create patient", "/api/v1/patients", "application/json", ("{\"mrn\":\"LOAD-" + mrn
                + "\",\"fullName\":\"Load Test\",\"dateOfBirth\":\"1970-01-01\",\"sex\":\"UNKNOWN\"}")
                .getBytes(StandardCharsets.UTF_8)).get("id").asLong();
    }

    void record(String operation, long nanos) {
        timings.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>()).add(nanos / 1_000_000);
    }

    void error(String operation, Exception e) {
        errors.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        String message = String.valueOf(e.getMessage());
        errorSamples.add(operation + ": " + message.substring(0, Math.min(200, message.length())));
    }

    private void report(double elapsed, int clients, int browsers) {
        System.out.printf(Locale.ROOT, "%.0f s: %d flows done (%.2f/s), %d API requests (%.1f/s), %d page loads "
                        + "(%.2f/s) by %d clients and %d browsers%n", elapsed, flows.get(), flows.get() / elapsed,
                requests.get(), requests.get() / elapsed, pageLoads.get(), pageLoads.get() / elapsed, clients, browsers);
        System.out.printf(Locale.ROOT, "%-26s %7s %7s %7s %7s %7s %6s%n", "operation (ms)", "count", "p50", "p95",
                "p99", "max", "errors");
        Map<String, ConcurrentLinkedQueue<Long>> sorted = new TreeMap<>(timings);
        errors.keySet().forEach(k -> sorted.putIfAbsent(k, new ConcurrentLinkedQueue<>()));
        sorted.forEach((operation, values) -> {
            long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "%-26s %7d %7d %7d %7d %7d %6d%n", operation, v.length, percentile(v, 50),
                    percentile(v, 95), percentile(v, 99), v.length == 0 ? 0 : v[v.length - 1],
                    errors.getOrDefault(operation, new AtomicInteger()).get());
        });
    }

    /** Every job the clients submitted has exactly one attempt and exactly one stored result. */
    private void checkJobs(JdbcTemplate jdbc) throws InterruptedException {
        List<Long> ids = new ArrayList<>(submittedJobs);
        String in = ids.isEmpty() ? "-1" : ids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElseThrow();
        String settled = "SELECT count(*) FROM prediction_job WHERE id IN (" + in + ") AND status = 'DONE'"
                + " AND explanation_model_id IS NULL";
        for (int i = 0; i < 600 && jdbc.queryForObject(settled, Long.class) < ids.size(); i++) {
            Thread.sleep(100); // let the last explanations finish (at most a minute)
        }
        Map<String, Object> row = jdbc.queryForMap("SELECT count(*) AS jobs,"
                + " count(*) FILTER (WHERE j.status = 'DONE') AS done,"
                + " count(*) FILTER (WHERE j.status <> 'DONE') AS not_done,"
                + " count(*) FILTER (WHERE j.attempts > 1) AS retried,"
                + " count(*) FILTER (WHERE j.explanation_model_id IS NOT NULL) AS explaining,"
                + " count(*) FILTER (WHERE (SELECT count(*) FROM prediction p WHERE p.job_id = j.id) <> 1) AS not_one_result"
                + " FROM prediction_job j WHERE j.id IN (" + in + ")");
        long missing = ids.size() - ((Number) row.get("jobs")).longValue();
        System.out.printf(Locale.ROOT, "jobs submitted %d: done %s, lost %d (not DONE %s, no row %d), run twice %s "
                        + "(more than one attempt), not exactly one result %s, explanation still pending %s%n",
                ids.size(), row.get("done"), ((Number) row.get("not_done")).longValue() + missing, row.get("not_done"),
                missing, row.get("retried"), row.get("not_one_result"), row.get("explaining"));
    }

    private static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = LoadBenchmark.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /** Counts the Vaadin UIs and sessions the server holds (registered as a bean before the servlet starts). */
    static final class UiCounter implements VaadinServiceInitListener {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger sessions = new AtomicInteger();

        @Override
        public void serviceInit(ServiceInitEvent event) {
            event.getSource().addUIInitListener(e -> {
                open.incrementAndGet();
                e.getUI().addDetachListener(d -> open.decrementAndGet());
            });
            event.getSource().addSessionInitListener(e -> sessions.incrementAndGet());
            event.getSource().addSessionDestroyListener(e -> sessions.decrementAndGet());
        }
    }

    /** Peaks of the connection pool and of the open UIs, sampled every 20 ms. */
    static final class PoolSampler implements Runnable {
        private final HikariPoolMXBean pool;
        private final UiCounter uis;
        volatile boolean stop;
        volatile int peakActive;
        volatile int peakTotal;
        volatile int peakWaiting;
        volatile int peakUis;
        /** When the peak of waiting threads was first seen, in ms after the sampler started. */
        volatile long peakWaitingAtMillis;
        /** Samples taken, those with every connection in use, and those with threads waiting for one. */
        volatile long samples;
        volatile long samplesAllInUse;
        volatile long samplesWithWaiting;
        private final long started = System.nanoTime();

        PoolSampler(HikariPoolMXBean pool, UiCounter uis) {
            this.pool = pool;
            this.uis = uis;
        }

        @Override
        public void run() {
            while (!stop) {
                peakActive = Math.max(peakActive, pool.getActiveConnections());
                peakTotal = Math.max(peakTotal, pool.getTotalConnections());
                int waiting = pool.getThreadsAwaitingConnection();
                int active = pool.getActiveConnections();
                if (waiting > peakWaiting) {
                    peakWaiting = waiting;
                    peakWaitingAtMillis = (System.nanoTime() - started) / 1_000_000;
                }
                samples++;
                samplesAllInUse += active >= pool.getTotalConnections() && active > 0 ? 1 : 0;
                samplesWithWaiting += waiting > 0 ? 1 : 0;
                peakUis = Math.max(peakUis, uis.open.get());
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** A request that failed and was already counted as an error of its operation. */
    private static final class RequestFailed extends Exception {
        RequestFailed(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private record Client(String base, String token, LoadBenchmark load) {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        JsonNode get(String operation, String path) throws Exception {
            return JSON.readTree(send(operation, HttpRequest.newBuilder(URI.create(base + path)).GET()));
        }

        byte[] bytes(String operation, String path) throws Exception {
            return send(operation, HttpRequest.newBuilder(URI.create(base + path)).GET());
        }

        JsonNode post(String operation, String path, String type, byte[] body) throws Exception {
            return JSON.readTree(send(operation, HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body))));
        }

        private byte[] send(String operation, HttpRequest.Builder request) throws Exception {
            long t0 = System.nanoTime();
            load.requests.incrementAndGet();
            try {
                HttpResponse<byte[]> response = HTTP.send(request.header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() >= 300) {
                    throw new IllegalStateException(response.statusCode() + " "
                            + new String(response.body(), StandardCharsets.UTF_8));
                }
                load.record(operation, System.nanoTime() - t0);
                return response.body();
            } catch (Exception e) {
                load.error(operation, e);
                throw new RequestFailed(e);
            }
        }
    }
}
