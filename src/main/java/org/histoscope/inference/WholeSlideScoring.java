package org.histoscope.inference;

import java.util.Arrays;

/**
 * The slide-level probability of a tile grid, more robust than its single highest tile: the grid is first smoothed
 * spatially (a Gaussian over the classified neighbours only, so background neither dilutes nor invents tumour), and
 * the slide score is the mean of the {@link #TOP_K} highest smoothed tiles (all of them on smaller slides): a measure of
 * tumour burden rather than of the single most suspicious tile. One isolated noisy tile is pulled down by its
 * neighbours; a tumour region of several tiles keeps its score.
 *
 * <p>{@link #SIGMA_TILES} and {@link #TOP_K} were chosen on the validation patients' stitched slides and checked on
 * the test patients' (see {@code benchmark/README.md}, "Whole-slide scoring", and {@code StitchedSlideScoring}).
 */
public final class WholeSlideScoring {

    /** Gaussian standard deviation, in tiles. */
    public static final double SIGMA_TILES = 2.0;
    /** Tiles averaged for the slide score (fewer when the slide has fewer tissue tiles). */
    public static final int TOP_K = 50;
    /**
     * The name of this score on the model card ({@code operating_points.slide.score}) and in the training side's
     * {@code operating_points.py}, which compares it with other candidates on the validation mosaics; the card's slide
     * threshold is only valid for it.
     */
    public static final String SCORE = "top" + TOP_K + "_mean";

    private WholeSlideScoring() {
    }

    /** The smoothed grid (same layout; NaN stays NaN: background is not scored). */
    public static float[] smooth(float[] grid, int columns, int rows, double sigmaTiles) {
        if (sigmaTiles <= 0) {
            return grid.clone();
        }
        int radius = (int) Math.ceil(3 * sigmaTiles);
        double[] kernel = new double[radius + 1];
        for (int d = 0; d <= radius; d++) {
            kernel[d] = Math.exp(-d * d / (2 * sigmaTiles * sigmaTiles));
        }
        float[] smoothed = new float[grid.length];
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                int index = row * columns + column;
                if (Float.isNaN(grid[index])) {
                    smoothed[index] = Float.NaN;
                    continue;
                }
                double sum = 0;
                double weights = 0;
                for (int dy = -radius; dy <= radius; dy++) {
                    int y = row + dy;
                    if (y < 0 || y >= rows) {
                        continue;
                    }
                    for (int dx = -radius; dx <= radius; dx++) {
                        int x = column + dx;
                        if (x < 0 || x >= columns) {
                            continue;
                        }
                        float p = grid[y * columns + x];
                        if (!Float.isNaN(p)) {
                            double w = kernel[Math.abs(dx)] * kernel[Math.abs(dy)];
                            sum += w * p;
                            weights += w;
                        }
                    }
                }
                smoothed[index] = (float) (sum / weights);
            }
        }
        return smoothed;
    }

    /** Mean of the k highest non-NaN values; 0 when there are none. */
    public static double topKMean(float[] grid, int k) {
        float[] values = new float[grid.length];
        int n = 0;
        for (float p : grid) {
            if (!Float.isNaN(p)) {
                values[n++] = p;
            }
        }
        if (n == 0) {
            return 0;
        }
        float[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        int take = Math.min(k, n);
        double sum = 0;
        for (int i = n - take; i < n; i++) {
            sum += sorted[i];
        }
        return sum / take;
    }

    /** The slide score with the tuned parameters. */
    public static double slideScore(float[] grid, int columns, int rows) {
        return topKMean(smooth(grid, columns, rows, SIGMA_TILES), TOP_K);
    }
}
