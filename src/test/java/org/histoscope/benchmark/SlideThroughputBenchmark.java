package org.histoscope.benchmark;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.DefaultInferenceService;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.ModelCatalog;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionOutcome;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.internal.Preprocessor;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.TileGrid;

/**
 * Whole-slide throughput, not a unit test: run by {@code benchmark/slides.sh}. On a generated 30000 x 30000 pyramid
 * SVS (JPEG tiles, levels made by libvips) and on the same slide as a single-level tiled Deflate TIFF, it measures
 * side by side, round after round: the whole-image prediction end to end with the tissue screen, the same without it
 * (every tile decoded, the behaviour before), and ONNX Runtime alone on exactly the tissue tiles the prediction
 * classified (decoded and preprocessed beforehand, batches of the same size). It prints the medians and the ratio
 * end to end / ORT alone.
 */
public final class SlideThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("rounds", 3);
        int threads = Integer.getInteger("threads", Runtime.getRuntime().availableProcessors());
        Path modelPackage = Path.of(System.getProperty("model", "models/xception-nasnetmobile-idc"));
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        SafeImageInspector inspector = new SafeImageInspector();
        Path flat = Path.of("target", "benchmark-30000.tif");
        Path svs = Path.of("target", "benchmark-30000-4um.svs");
        if (!Files.exists(flat)) {
            BenchmarkSlides.writeFlatTiff(flat, inspector.readWhole(
                    Path.of("src/test/resources/images/slide/idc-8984-region.png")));
        }
        if (!Files.exists(svs)) {
            BenchmarkSlides.writePyramidSvs(flat, svs);
        }
        OnnxRuntimeEngine screening = engine(threads, true);
        OnnxRuntimeEngine everyTile = engine(threads, false);
        ModelCatalog catalog = InferenceBenchmark.catalogOf(card, modelPackage);
        DefaultInferenceService withScreen = new DefaultInferenceService(inspector, screening, catalog);
        DefaultInferenceService withoutScreen = new DefaultInferenceService(inspector, everyTile, catalog);
        LoadedModel model = screening.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        System.out.printf("Model %s %s, %d intra-op threads, batch %d, %d rounds, %d cores%n", card.id(), card.version(),
                threads, screening.settings().batchSize(), rounds, Runtime.getRuntime().availableProcessors());

        System.out.println();
        System.out.println("| slide | tissue tiles | screen | before: every tile decoded | after: end to end | ORT alone, same tiles"
                + " | after / ORT alone | before / ORT alone |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        List<Path> slides = switch (System.getProperty("slides", "both")) {
            case "svs" -> List.of(svs);
            case "tif" -> List.of(flat);
            default -> List.of(svs, flat);
        };
        for (Path slide : slides) {
            withScreen.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE), ProgressListener.NONE); // warm-up
            double[] after = new double[rounds];
            double[] before = new double[rounds];
            double[] alone = new double[rounds];
            PredictionOutcome outcome = null;
            float[] tiles = null;
            for (int round = 0; round < rounds; round++) {
                long started = System.nanoTime();
                outcome = withScreen.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE), ProgressListener.NONE);
                after[round] = seconds(started);
                if (tiles == null) {
                    tiles = tissueTiles(inspector, slide, outcome.tileGrid(), new Preprocessor(card.input()));
                }
                started = System.nanoTime();
                float[] probabilities = ortAlone(model, tiles, screening.settings().batchSize(), card);
                alone[round] = seconds(started);
                checkSame(outcome.tileGrid(), probabilities);
                started = System.nanoTime();
                PredictionOutcome old = withoutScreen.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE),
                        ProgressListener.NONE);
                before[round] = seconds(started);
                if (old.tileStatistics().tissueTiles() != outcome.tileStatistics().tissueTiles()) {
                    throw new IllegalStateException("with and without the screen found different tissue: "
                            + old.tileStatistics().tissueTiles() + " vs " + outcome.tileStatistics().tissueTiles());
                }
                System.out.printf("  %s round %d: before %.2f s, after %.2f s (decode %d ms, ORT %d ms), ORT alone %.2f s%n",
                        slide.getFileName(), round + 1, before[round], after[round], outcome.decodeMillis(),
                        outcome.inferMillis(), alone[round]);
            }
            System.out.printf("| %s | %,d of %,d | %s | %.2f s | %.2f s | %.2f s | %.2fx | %.2fx |%n",
                    describe(inspector, slide), outcome.tileStatistics().tissueTiles(),
                    outcome.tileStatistics().tilesTotal(), screenOf(inspector, slide), median(before), median(after), median(alone), median(after) / median(alone),
                    median(before) / median(alone));
        }
        screening.shutdown();
        everyTile.shutdown();
    }

    private static OnnxRuntimeEngine engine(int threads, boolean tissueScreen) {
        return new OnnxRuntimeEngine(new InferenceSettings(threads, false, 32, null, null, false, false, tissueScreen));
    }

    private static String describe(SafeImageInspector inspector, Path slide) {
        try (RegionReader reader = inspector.open(slide)) {
            return slide.toString().endsWith(".svs")
                    ? "30000² pyramid SVS (JPEG 240² tiles, " + reader.levels().size() + " levels)"
                    : "30000² single-level TIFF (Deflate 512² tiles)";
        }
    }

    private static String screenOf(SafeImageInspector inspector, Path slide) {
        try (RegionReader reader = inspector.open(slide)) {
            return reader.levels().size() > 1 ? "pyramid level" : "thumbnail pass";
        }
    }

    /** The tissue tiles of the grid, read and preprocessed in grid order (not timed). */
    private static float[] tissueTiles(SafeImageInspector inspector, Path slide, TileGrid grid, Preprocessor preprocessor) {
        int count = grid.tissueTiles();
        float[] values = new float[count * preprocessor.valuesPerPatch()];
        int columns = (grid.imageWidth() + grid.tileSize() - 1) / grid.tileSize();
        float[] probabilities = grid.probabilities();
        try (RegionReader reader = inspector.open(slide)) {
            int slot = 0;
            for (int i = 0; i < probabilities.length; i++) {
                if (Float.isNaN(probabilities[i])) {
                    continue;
                }
                Rectangle tile = new Rectangle((i % columns) * grid.tileSize(), (i / columns) * grid.tileSize(),
                        grid.tileSize(), grid.tileSize());
                BufferedImage pixels = reader.readRegion(tile.intersection(
                        new Rectangle(0, 0, grid.imageWidth(), grid.imageHeight())), 1);
                preprocessor.patch(pixels, 0, 0, values, slot++);
            }
        }
        return values;
    }

    private static float[] ortAlone(LoadedModel model, float[] tiles, int batch, ModelCard card) {
        int perPatch = 3 * card.input().width() * card.input().height();
        int count = tiles.length / perPatch;
        float[] out = new float[count];
        for (int first = 0; first < count; first += batch) {
            int n = Math.min(batch, count - first);
            float[] input = Arrays.copyOfRange(tiles, first * perPatch, (first + n) * perPatch);
            System.arraycopy(model.predict(input, n), 0, out, first, n);
        }
        return out;
    }

    /** ORT alone must compute what the pipeline stored, else the comparison is of different work. */
    private static void checkSame(TileGrid grid, float[] alone) {
        List<Float> stored = new ArrayList<>();
        for (float p : grid.probabilities()) {
            if (!Float.isNaN(p)) {
                stored.add(p);
            }
        }
        for (int i = 0; i < alone.length; i++) {
            if (Math.abs(stored.get(i) - alone[i]) > 1e-4) {
                throw new IllegalStateException("tile " + i + ": pipeline " + stored.get(i) + ", ORT alone " + alone[i]);
            }
        }
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
