package org.histoscope.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;
import org.histoscope.inference.TestTimeAugmentation;

/**
 * The int8 variant beside the float model, in ONNX Runtime itself (not part of {@code mvn verify}; run by
 * {@code benchmark/int8.sh}): images/s of both, measured in alternating rounds in one process, and the AUC,
 * balanced accuracy and largest probability difference of both on every patch of the test patients (with the
 * test-time augmentation their cards prescribe). The variant is worth keeping only if it is faster and its AUC drops
 * by less than 0.005.
 */
public final class QuantizedModelBenchmark {

    public static void main(String[] args) throws Exception {
        Path floatPackage = Path.of(System.getProperty("model", "models/xception-nasnetmobile-idc"));
        Path int8Package = Path.of(System.getProperty("int8", "target/int8"));
        String data = System.getProperty("data");
        if (data == null) {
            throw new IllegalArgumentException("pass the IDC data folder (the one with labels.csv) as -Ddata=...");
        }
        Path dataRoot = Path.of(data);
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        int rounds = Integer.getInteger("rounds", 7);
        // one engine each: an engine keeps one session per model id, and both packages have the same id
        OnnxRuntimeEngine floatEngine = engine(threads);
        OnnxRuntimeEngine int8Engine = engine(threads);
        LoadedModel floats = load(floatEngine, floatPackage);
        LoadedModel int8 = load(int8Engine, int8Package);
        Patches test = testPatches(floatPackage, dataRoot, new Preprocessor(floats.card().input()));
        System.out.printf("Float %s %s vs int8 %s, %d test patches of %d patients, %d threads%n",
                floats.card().id(), floats.card().version(), int8.card().version(), test.labels.length,
                test.patients, threads);

        int speedPatches = Math.min(2048, test.labels.length);
        imagesPerSecond(floats, test.values, 64); // warm-up: first runs allocate and plan
        imagesPerSecond(int8, test.values, 64);
        double[] floatRate = new double[rounds];
        double[] int8Rate = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            floatRate[round] = imagesPerSecond(floats, test.values, speedPatches);
            int8Rate[round] = imagesPerSecond(int8, test.values, speedPatches);
        }
        float[] pf = probabilities(floats, test);
        float[] pq = probabilities(int8, test);
        double maxDiff = 0;
        for (int i = 0; i < pf.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(pf[i] - pq[i]));
        }
        double threshold = floats.card().threshold();
        System.out.println();
        System.out.println("| model | images/s (batch 32, median of " + rounds + " rounds) | test AUC | balanced accuracy"
                + " at " + String.format("%.3f", threshold) + " |");
        System.out.println("|---|---|---|---|");
        System.out.printf("| float (fp16 weights, fp32 compute) | %.0f | %.4f | %.4f |%n", median(floatRate),
                auc(test.labels, pf), balancedAccuracy(test.labels, pf, threshold));
        System.out.printf("| int8 (QDQ, %s) | %.0f | %.4f | %.4f |%n", int8.card().version(), median(int8Rate),
                auc(test.labels, pq), balancedAccuracy(test.labels, pq, threshold));
        double speedup = median(int8Rate) / median(floatRate);
        double aucChange = auc(test.labels, pq) - auc(test.labels, pf);
        boolean keep = speedup > 1 && aucChange > -0.005;
        System.out.printf("%nint8 / float speed: %.2fx; AUC change %+.4f; largest probability difference %.4f: %s%n",
                speedup, aucChange, maxDiff, keep ? "worth keeping" : "NOT worth keeping (needs faster and AUC drop < 0.005)");
        if (Boolean.getBoolean("update-card")) {
            writeMeasuredFigures(int8Package, test, pq, threshold, speedup, aucChange, maxDiff, keep);
        }
        floatEngine.shutdown();
        int8Engine.shutdown();
        System.exit(keep ? 0 : 3);
    }

    /** The figures of this run, into the int8 card's metrics, so that the registry shows what was measured. */
    private static void writeMeasuredFigures(Path int8Package, Patches test, float[] probabilities, double threshold,
                                             double speedup, double aucChange, double maxDiff, boolean keep)
            throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        Path cardFile = int8Package.resolve(ModelCards.CARD_FILE);
        var card = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(cardFile.toFile());
        var metrics = card.putObject("metrics");
        var testFigures = metrics.putObject("test");
        testFigures.put("n", test.labels.length);
        testFigures.put("patients", test.patients);
        testFigures.put("threshold", threshold);
        testFigures.put("auc", auc(test.labels, probabilities));
        testFigures.put("balanced_accuracy", balancedAccuracy(test.labels, probabilities, threshold));
        testFigures.put("measured_by", "ONNX Runtime (integer kernels), QuantizedModelBenchmark, with the card's TTA");
        metrics.put("speedup_vs_float", speedup);
        metrics.put("test_auc_change_vs_float", aucChange);
        metrics.put("largest_probability_difference_vs_float", maxDiff);
        metrics.put("worth_keeping", keep);
        json.writerWithDefaultPrettyPrinter().writeValue(cardFile.toFile(), card);
    }

    private static OnnxRuntimeEngine engine(int threads) {
        return new OnnxRuntimeEngine(new InferenceSettings(threads, false, 32, null, null, false, false, null));
    }

    private static LoadedModel load(OnnxRuntimeEngine engine, Path modelPackage) throws IOException {
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        return engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
    }

    private record Patches(float[] values, int[] labels, int patients) {
    }

    /** Every patch of the package's test patients, preprocessed, from the IDC folder's labels.csv. */
    private static Patches testPatches(Path modelPackage, Path dataRoot, Preprocessor preprocessor) throws IOException {
        Set<String> testPatients = new HashSet<>();
        List<String> split = Files.readAllLines(modelPackage.resolve("split.csv"));
        for (String line : split.subList(1, split.size())) {
            String[] cells = line.split(",");
            if (cells[1].equals("test")) {
                testPatients.add(cells[0]);
            }
        }
        List<String> lines = Files.readAllLines(dataRoot.resolve("labels.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int file = header.indexOf("file");
        int label = header.indexOf("label");
        int patient = header.indexOf("patient_id");
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",");
            if (testPatients.contains(cells[patient])) {
                rows.add(cells);
            }
        }
        SafeImageInspector inspector = new SafeImageInspector();
        float[] values = new float[rows.size() * preprocessor.valuesPerPatch()];
        int[] labels = new int[rows.size()];
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            preprocessor.patch(inspector.readWhole(dataRoot.resolve(rows.get(i)[file])), 0, 0, values, i);
            labels[i] = Integer.parseInt(rows.get(i)[label]);
            seen.merge(rows.get(i)[patient], 1, Integer::sum);
        }
        return new Patches(values, labels, seen.size());
    }

    private static double imagesPerSecond(LoadedModel model, float[] values, int patches) {
        int per = model.valuesPerPatch();
        long started = System.nanoTime();
        for (int first = 0; first < patches; first += 32) {
            int count = Math.min(32, patches - first);
            model.predict(Arrays.copyOfRange(values, first * per, (first + count) * per), count);
        }
        return patches / ((System.nanoTime() - started) / 1e9);
    }

    private static float[] probabilities(LoadedModel model, Patches test) {
        TestTimeAugmentation tta = model.card().testTimeAugmentation();
        int per = model.valuesPerPatch();
        float[] out = new float[test.labels.length];
        for (int first = 0; first < out.length; first += 32) {
            int count = Math.min(32, out.length - first);
            float[] p = model.predict(Arrays.copyOfRange(test.values, first * per, (first + count) * per), count, tta);
            System.arraycopy(p, 0, out, first, count);
        }
        return out;
    }

    /** Mann-Whitney AUC with ties counted half. */
    static double auc(int[] labels, float[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[a], scores[b]));
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j < order.length && scores[order[j]] == scores[order[i]]) {
                j++;
            }
            double rank = (i + j + 1) / 2.0;
            for (int k = i; k < j; k++) {
                if (labels[order[k]] == 1) {
                    rankSum += rank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = scores.length - positives;
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    static double balancedAccuracy(int[] labels, float[] scores, double threshold) {
        int tp = 0, tn = 0, p = 0, n = 0;
        for (int i = 0; i < labels.length; i++) {
            boolean called = scores[i] >= threshold;
            if (labels[i] == 1) {
                p++;
                tp += called ? 1 : 0;
            } else {
                n++;
                tn += called ? 0 : 1;
            }
        }
        return 0.5 * ((double) tp / p + (double) tn / n);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
