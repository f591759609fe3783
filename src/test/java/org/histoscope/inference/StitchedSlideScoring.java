package org.histoscope.inference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;

/**
 * Makes {@code src/test/resources/scoring/stitched-tile-probabilities.csv} and tunes {@link WholeSlideScoring}:
 * runs the real model (ONNX Runtime) on every patch of the validation and test patients, places each patch at its
 * tile of the patient's stitched slide, then chooses the smoothing sigma (per-tile AUC) and top-k (slide AUC) on the
 * validation slides and prints both figures on the test slides.
 *
 * <p>Usage: {@code StitchedSlideScoring <IDC data folder with labels.csv> <split.csv> <model package> <output csv>}.
 */
public final class StitchedSlideScoring {

    private StitchedSlideScoring() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path output = Path.of(args[3]);
        if (!Files.exists(output)) {
            predictPatches(data, Path.of(args[1]), Path.of(args[2]), output);
        }
        StitchedSlides slides = StitchedSlides.read(output);
        tune(slides);
    }

    private static void predictPatches(Path data, Path split, Path modelPackage, Path output) throws IOException {
        Map<String, String> splitOf = new HashMap<>();
        for (String line : Files.readAllLines(split).subList(1, Files.readAllLines(split).size())) {
            String[] f = line.split(",");
            splitOf.put(f[0], f[1]);
        }
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(new InferenceSettings(2, false, 32, null, null, false, false, null));
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        Preprocessor preprocessor = new Preprocessor(card.input());
        SafeImageInspector inspector = new SafeImageInspector();
        List<String[]> patches = new ArrayList<>();
        for (String line : Files.readAllLines(data.resolve("labels.csv")).subList(1,
                Files.readAllLines(data.resolve("labels.csv")).size())) {
            // id,label,patient_id,x,y,file,...
            String[] f = line.split(",");
            String s = splitOf.get(f[2]);
            if ("val".equals(s) || "test".equals(s)) {
                patches.add(new String[] {s, f[2], String.valueOf((Integer.parseInt(f[3]) - 1) / StitchedSlides.PATCH),
                        String.valueOf((Integer.parseInt(f[4]) - 1) / StitchedSlides.PATCH), f[1], f[5]});
            }
        }
        float[] batch = new float[32 * preprocessor.valuesPerPatch()];
        float[] probabilities = new float[patches.size()];
        long started = System.nanoTime();
        for (int from = 0; from < patches.size(); from += 32) {
            int count = Math.min(32, patches.size() - from);
            for (int i = 0; i < count; i++) {
                BufferedImage patch = inspector.readWhole(data.resolve(patches.get(from + i)[5]));
                preprocessor.patch(patch, 0, 0, batch, i);
            }
            float[] p = model.predict(batch, count);
            System.arraycopy(p, 0, probabilities, from, count);
        }
        System.out.printf(Locale.ROOT, "%d patches predicted in %.1f s%n", patches.size(),
                (System.nanoTime() - started) / 1e9);
        engine.shutdown();
        Files.createDirectories(output.getParent());
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(output))) {
            out.println("split,patient_id,column,row,label,probability");
            for (int i = 0; i < patches.size(); i++) {
                String[] p = patches.get(i);
                out.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%.6f%n", p[0], p[1], p[2], p[3], p[4], probabilities[i]);
            }
        }
    }

    private static void tune(StitchedSlides slides) {
        List<StitchedSlides.Slide> val = slides.of("val");
        List<StitchedSlides.Slide> test = slides.of("test");
        System.out.println("sigma (tiles)  per-tile AUC val  per-tile AUC test");
        for (double sigma : new double[] {0, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0}) {
            System.out.printf(Locale.ROOT, "%-13.2f  %.4f            %.4f%n", sigma,
                    StitchedSlides.tileAuc(val, sigma), StitchedSlides.tileAuc(test, sigma));
        }
        System.out.println("slide score                         slide AUC val  slide AUC test (IDC vs clean, "
                + val.stream().filter(s -> !s.positive()).count() + " / "
                + test.stream().filter(s -> !s.positive()).count() + " clean)");
        System.out.printf(Locale.ROOT, "max tile (today)                    %.4f         %.4f%n",
                StitchedSlides.slideAuc(val, s -> WholeSlideScoring.topKMean(s.probabilities(), 1)),
                StitchedSlides.slideAuc(test, s -> WholeSlideScoring.topKMean(s.probabilities(), 1)));
        for (int k : new int[] {1, 5, 10, 20, 50, 100}) {
            double sigma = WholeSlideScoring.SIGMA_TILES;
            System.out.printf(Locale.ROOT, "top-%-2d mean of smoothed (sigma %.2f)  %.4f         %.4f%n", k, sigma,
                    StitchedSlides.slideAuc(val, s -> WholeSlideScoring.topKMean(
                            WholeSlideScoring.smooth(s.probabilities(), s.columns(), s.rows(), sigma), k)),
                    StitchedSlides.slideAuc(test, s -> WholeSlideScoring.topKMean(
                            WholeSlideScoring.smooth(s.probabilities(), s.columns(), s.rows(), sigma), k)));
        }
        for (double threshold : new double[] {0.3, 0.551, 0.7}) {
            System.out.printf(Locale.ROOT, "smoothed tumour-area fraction >= %.3f  %.4f         %.4f%n", threshold,
                    StitchedSlides.slideAuc(val, s -> areaFraction(s, threshold)),
                    StitchedSlides.slideAuc(test, s -> areaFraction(s, threshold)));
        }
    }

    private static double areaFraction(StitchedSlides.Slide slide, double threshold) {
        float[] smoothed = WholeSlideScoring.smooth(slide.probabilities(), slide.columns(), slide.rows(),
                WholeSlideScoring.SIGMA_TILES);
        int tissue = 0;
        int above = 0;
        for (float p : smoothed) {
            if (!Float.isNaN(p)) {
                tissue++;
                above += p >= threshold ? 1 : 0;
            }
        }
        return tissue == 0 ? 0 : (double) above / tissue;
    }
}
