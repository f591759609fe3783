package org.histoscope.inference;

/**
 * The card's {@code operating_points}: one threshold for each decision the app shows, each chosen on validation for
 * what it decides. Every field is optional; an older card without them falls back to the patch threshold in force
 * (the registry's) and has no grey zone.
 *
 * @param tileThreshold        outline of the heatmap, on the smoothed tile map the colours show; null: patch threshold
 * @param tileSmoothingSigma   the Gaussian (in tiles) of that smoothed map; null: {@link WholeSlideScoring#SIGMA_TILES}
 * @param slideThreshold       the whole-image verdict on the slide score; null: patch threshold
 * @param patchGreyZone        indeterminate band of a patch probability; null: none
 * @param slideGreyZone        indeterminate band of a slide score; null: none
 */
public record OperatingPoints(Double tileThreshold, Double tileSmoothingSigma, Double slideThreshold,
                              GreyZone patchGreyZone, GreyZone slideGreyZone) {

    public static final OperatingPoints NONE = new OperatingPoints(null, null, null, null, null);

    /** The outline threshold, or {@code patchThreshold} when the card states none. */
    public double tileThreshold(double patchThreshold) {
        return tileThreshold == null ? patchThreshold : tileThreshold;
    }

    /** The Gaussian of the smoothed map, in tiles. */
    public double smoothingSigma() {
        return tileSmoothingSigma == null ? WholeSlideScoring.SIGMA_TILES : tileSmoothingSigma;
    }

    /** The slide verdict threshold, or {@code patchThreshold} when the card states none. */
    public double slideThreshold(double patchThreshold) {
        return slideThreshold == null ? patchThreshold : slideThreshold;
    }
}
