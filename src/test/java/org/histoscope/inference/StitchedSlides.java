package org.histoscope.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Slides stitched from the IDC patches of one patient: each 50 x 50 patch sits at its (x, y) in the patient's
 * (downsampled) slide, so patch i is tile ((x - 1) / 50, (y - 1) / 50) of the whole-slide grid. Loaded from
 * {@code scoring/stitched-tile-probabilities.csv} (the real model's output per patch, made by
 * {@link StitchedSlideScoring}).
 */
record StitchedSlides(List<Slide> slides) {

    static final int PATCH = 50;

    record Slide(String split, String patient, int columns, int rows, float[] probabilities, int[] labels) {

        /** IDC slide: at least one patch labelled IDC. */
        boolean positive() {
            return Arrays.stream(labels).anyMatch(l -> l == 1);
        }
    }

    static StitchedSlides read(Path csv) throws IOException {
        Map<String, List<String[]>> byPatient = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] f = line.split(",");
            byPatient.computeIfAbsent(f[0] + "/" + f[1], k -> new ArrayList<>()).add(f);
        }
        List<Slide> slides = new ArrayList<>();
        for (List<String[]> rows : byPatient.values()) {
            int columns = rows.stream().mapToInt(r -> Integer.parseInt(r[2])).max().orElseThrow() + 1;
            int height = rows.stream().mapToInt(r -> Integer.parseInt(r[3])).max().orElseThrow() + 1;
            float[] probabilities = new float[columns * height];
            int[] labels = new int[columns * height];
            Arrays.fill(probabilities, Float.NaN);
            Arrays.fill(labels, -1);
            for (String[] r : rows) {
                int index = Integer.parseInt(r[3]) * columns + Integer.parseInt(r[2]);
                labels[index] = Integer.parseInt(r[4]);
                probabilities[index] = Float.parseFloat(r[5]);
            }
            slides.add(new Slide(rows.get(0)[0], rows.get(0)[1], columns, height, probabilities, labels));
        }
        return new StitchedSlides(slides);
    }

    List<Slide> of(String split) {
        return slides.stream().filter(s -> s.split().equals(split)).toList();
    }

    /** Per-tile AUC of the (smoothed) grids against the patch labels, over all tiles of the slides. */
    static double tileAuc(List<Slide> slides, double sigma) {
        List<double[]> scored = new ArrayList<>();
        for (Slide slide : slides) {
            float[] values = WholeSlideScoring.smooth(slide.probabilities(), slide.columns(), slide.rows(), sigma);
            for (int i = 0; i < values.length; i++) {
                if (slide.labels()[i] >= 0) {
                    scored.add(new double[] {values[i], slide.labels()[i]});
                }
            }
        }
        return auc(scored);
    }

    /** Slide-level AUC of IDC slides against clean ones for a slide score. */
    static double slideAuc(List<Slide> slides, java.util.function.ToDoubleFunction<Slide> score) {
        List<double[]> scored = new ArrayList<>();
        for (Slide slide : slides) {
            scored.add(new double[] {score.applyAsDouble(slide), slide.positive() ? 1 : 0});
        }
        return auc(scored);
    }

    /** Mann-Whitney AUC with ties counted half. */
    static double auc(List<double[]> scoreAndLabel) {
        List<double[]> sorted = new ArrayList<>(scoreAndLabel);
        sorted.sort((a, b) -> Double.compare(a[0], b[0]));
        double rankSumPositive = 0;
        long positives = 0;
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j)[0] == sorted.get(i)[0]) {
                j++;
            }
            double averageRank = (i + 1 + j) / 2.0;
            for (int k = i; k < j; k++) {
                if (sorted.get(k)[1] == 1) {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }
            i = j;
        }
        long negatives = sorted.size() - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }
}
