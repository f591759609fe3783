package org.histoscope.benchmark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.DefaultInferenceService;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.ModelCatalog;
import org.histoscope.inference.ModelDescriptor;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionOutcome;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.internal.Preprocessor;
import org.histoscope.inference.ProgressListener;

/**
 * Inference benchmark, not a unit test: run by {@code benchmark/run.sh} (see there). Prints in one run:
 * (1) ONNX Runtime images/s at batch 1, 8, 32 vs PyTorch eager with the same threads, (2) whole-image pipeline
 * tiles/s on a real stitched IDC slide vs raw ONNX Runtime at the same batch size, (3) peak heap while processing a
 * generated 30000 x 30000 tiled, Deflate-compressed TIFF, (4) model FLOPs per image from the ONNX graph and the
 * achieved fraction of this CPU's peak.
 */
public final class InferenceBenchmark {

    private static final int[] BATCHES = {1, 8, 32};

    public static void main(String[] args) throws Exception {
        Path modelPackage = Path.of(System.getProperty("model", defaultPackage().toString()));
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        double seconds = Double.parseDouble(System.getProperty("seconds", "8"));
        Path slide = Path.of(System.getProperty("slide", "src/test/resources/images/slide/idc-8984-region.png"));
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        System.out.printf("Model %s %s (%s), %d intra-op threads, JVM max heap %d MiB%n", card.id(), card.version(),
                modelPackage, threads, Runtime.getRuntime().maxMemory() >> 20);

        InferenceSettings settings = new InferenceSettings(threads, false, 32, null, null, false, false, null);
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(settings);
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());

        Map<Integer, Double> ort = new LinkedHashMap<>();
        for (int batch : BATCHES) {
            ort.put(batch, ortImagesPerSecond(model, modelPackage, batch, seconds));
            System.out.printf("  ORT batch %2d: %8.1f images/s%n", batch, ort.get(batch));
        }
        Map<String, Double> torch = pytorchEager(modelPackage, threads, seconds);

        SafeImageInspector inspector = new SafeImageInspector();
        ModelCatalog catalog = catalogOf(card, modelPackage);
        DefaultInferenceService service = new DefaultInferenceService(inspector, engine, catalog);
        service.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE), ProgressListener.NONE); // warm-up
        long started = System.nanoTime();
        PredictionOutcome whole = service.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE),
                ProgressListener.NONE);
        double wholeSeconds = (System.nanoTime() - started) / 1e9;
        double tilesPerSecond = whole.tileStatistics().tissueTiles() / wholeSeconds;
        System.out.printf("  whole image %s: %d tissue tiles of %d in %.2f s (decode+preprocess %d ms, ORT %d ms)%n",
                slide.getFileName(), whole.tileStatistics().tissueTiles(), whole.tileStatistics().tilesTotal(),
                wholeSeconds, whole.decodeMillis(), whole.inferMillis());

        Path big = Path.of("target", "benchmark-30000.tif");
        int copies = BenchmarkSlides.writeFlatTiff(big, inspector.readWhole(slide));
        HeapPeak heap = new HeapPeak();
        heap.start();
        started = System.nanoTime();
        PredictionOutcome huge = service.predict(big, PredictionRequest.of(PredictionMode.WHOLE_IMAGE),
                ProgressListener.NONE);
        double hugeSeconds = (System.nanoTime() - started) / 1e9;
        long[] peaks = heap.stop();
        System.out.printf("  30000 x 30000 tiled TIFF (%d MiB, %d slide copies): %d tissue tiles of %d in %.1f s, "
                        + "decode+preprocess %d ms, ORT %d ms%n", Files.size(big) >> 20, copies,
                huge.tileStatistics().tissueTiles(), huge.tileStatistics().tilesTotal(), hugeSeconds,
                huge.decodeMillis(), huge.inferMillis());

        Map<String, Object> flops = flops(modelPackage);
        double flopsPerImage = ((Number) flops.getOrDefault("flops", 0)).doubleValue();
        Peak peak = cpuPeak();
        double bestOrt = ort.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);

        System.out.println();
        System.out.println("| Measure | Value |");
        System.out.println("|---|---|");
        for (int batch : BATCHES) {
            Double eager = torch.get(String.valueOf(batch));
            System.out.printf("| (1) batch %d: ORT Java / PyTorch eager (%d threads) | %.1f / %s images/s (%s) |%n",
                    batch, threads, ort.get(batch), eager == null ? "n/a" : String.format("%.1f", eager),
                    eager == null ? "PyTorch not run" : String.format("%.2fx", ort.get(batch) / eager));
        }
        System.out.printf("| (2) whole-image pipeline vs raw ORT at batch 32 | %.1f tiles/s vs %.1f images/s = %.0f%% |%n",
                tilesPerSecond, ort.get(32), 100 * tilesPerSecond / ort.get(32));
        System.out.printf("| (3) peak heap, 30000 x 30000 tiled TIFF (-Xmx %d MiB) | %d MiB sampled (%d MiB sum of pool peaks) |%n",
                Runtime.getRuntime().maxMemory() >> 20, peaks[0] >> 20, peaks[1] >> 20);
        System.out.printf("| (4) model FLOPs per image (Conv+Gemm+MatMul) | %.3f GFLOP |%n", flopsPerImage / 1e9);
        System.out.printf("| (4) CPU peak: %s | %.1f GFLOP/s |%n", peak.description(), peak.flopsPerSecond() / 1e9);
        System.out.printf("| (4) achieved at best ORT batch (%.1f images/s) | %.1f GFLOP/s = %.1f%% of peak |%n", bestOrt,
                flopsPerImage * bestOrt / 1e9, 100 * flopsPerImage * bestOrt / peak.flopsPerSecond());
        System.out.println("PyTorch: " + torch);
        engine.shutdown();
    }

    private static Path defaultPackage() throws IOException {
        try (var children = Files.list(Path.of("models"))) {
            return children.filter(p -> Files.isRegularFile(p.resolve(ModelCards.CARD_FILE))).sorted().findFirst()
                    .orElseThrow(() -> new IllegalStateException("No model package in models/"));
        }
    }

    static ModelCatalog catalogOf(ModelCard card, Path modelPackage) {
        ModelDescriptor descriptor = new ModelDescriptor(1, card, modelPackage.resolve(ModelCards.MODEL_FILE),
                card.sha256(), card.threshold());
        return new ModelCatalog() {
            @Override
            public Optional<ModelDescriptor> activeModel() {
                return Optional.of(descriptor);
            }

            @Override
            public Optional<ModelDescriptor> model(long registeredModelId) {
                return Optional.of(descriptor);
            }
        };
    }

    /** Reference patches of the package, preprocessed and repeated to fill the batch. */
    private static double ortImagesPerSecond(LoadedModel model, Path modelPackage, int batch, double seconds)
            throws IOException {
        Preprocessor preprocessor = new Preprocessor(model.card().input());
        SafeImageInspector inspector = new SafeImageInspector();
        List<Path> patches;
        try (var files = Files.list(modelPackage.resolve("reference"))) {
            patches = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        float[] input = new float[batch * preprocessor.valuesPerPatch()];
        for (int i = 0; i < batch; i++) {
            preprocessor.patch(inspector.readWhole(patches.get(i % patches.size())), 0, 0, input, i);
        }
        for (int i = 0; i < 3; i++) {
            model.predict(input, batch);
        }
        int runs = 0;
        long started = System.nanoTime();
        while (runs < 3 || System.nanoTime() - started < seconds * 1e9) {
            model.predict(input, batch);
            runs++;
        }
        return batch * runs / ((System.nanoTime() - started) / 1e9);
    }

    private static Map<String, Double> pytorchEager(Path modelPackage, int threads, double seconds) {
        try {
            String json = python("benchmark/pytorch_eager.py", "--card",
                    modelPackage.resolve(ModelCards.CARD_FILE).toString(), "--threads", String.valueOf(threads),
                    "--seconds", String.valueOf(seconds));
            System.out.println("  PyTorch eager: " + json);
            Map<String, Double> result = new LinkedHashMap<>();
            Matcher m = Pattern.compile("\"(\\d+)\": ([0-9.eE+-]+)").matcher(json);
            while (m.find()) {
                result.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return result;
        } catch (IOException | InterruptedException e) {
            System.out.println("  PyTorch eager not measured: " + e.getMessage());
            return Map.of();
        }
    }

    private static Map<String, Object> flops(Path modelPackage) {
        try {
            String json = python("benchmark/onnx_flops.py", modelPackage.resolve(ModelCards.MODEL_FILE).toString());
            System.out.println("  ONNX graph: " + json);
            Matcher m = Pattern.compile("\"flops\": (\\d+)").matcher(json);
            return m.find() ? Map.of("flops", Long.parseLong(m.group(1))) : Map.of();
        } catch (IOException | InterruptedException e) {
            System.out.println("  FLOPs not counted: " + e.getMessage());
            return Map.of();
        }
    }

    private static String python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(System.getProperty("python", "/usr/bin/python3")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
        }
        return out.lines().reduce((a, b) -> b).orElse("");
    }

    /**
     * Peak fp32 FLOP/s = cores x clock x FLOPs per cycle per core; FLOPs per cycle from /proc/cpuinfo flags:
     * AVX-512F = 2 FMA units x 16 lanes x 2 = 64, AVX2+FMA = 2 x 8 x 2 = 32, else SSE 8. The clock is the
     * "cpu MHz" of /proc/cpuinfo (turbo not counted).
     */
    record Peak(String description, double flopsPerSecond) {
    }

    static Peak cpuPeak() throws IOException {
        String info = Files.readString(Path.of("/proc/cpuinfo"));
        Matcher mhz = Pattern.compile("cpu MHz\\s*:\\s*([0-9.]+)").matcher(info);
        double hz = mhz.find() ? Double.parseDouble(mhz.group(1)) * 1e6 : 2e9;
        Matcher flags = Pattern.compile("flags\\s*:(.*)").matcher(info);
        String flagLine = flags.find() ? " " + flags.group(1) + " " : "";
        int perCycle = flagLine.contains(" avx512f ") ? 64 : flagLine.contains(" avx2 ") && flagLine.contains(" fma ") ? 32 : 8;
        int cores = Runtime.getRuntime().availableProcessors();
        return new Peak(String.format("%d cores x %.2f GHz x %d FLOP/cycle (%s)", cores, hz / 1e9, perCycle,
                perCycle == 64 ? "AVX-512, 2 FMA units" : perCycle == 32 ? "AVX2 FMA, 2 units" : "SSE"),
                cores * hz * perCycle);
    }

    /** Samples used heap every 20 ms and also reads the heap pools' own peak counters. */
    static final class HeapPeak {
        private final AtomicLong sampled = new AtomicLong();
        private volatile boolean running;
        private Thread thread;

        void start() {
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    sampled.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        long[] stop() throws InterruptedException {
            running = false;
            thread.join();
            long pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            return new long[] {sampled.get(), pools};
        }
    }
}
