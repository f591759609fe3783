package org.histoscope.inference;

/**
 * How far a prediction may be trusted, as the model card's operating points, domain guard and the image's pixel size
 * decide: shown beside the label in the UI, the API and the PDF.
 *
 * @param verdict                  cancer, benign or indeterminate (inside the grey zone, or a slide that is not
 *                                 assessable)
 * @param greyZone                 the indeterminate band applied (patch or slide); null when the card has none
 * @param tileThreshold            whole images: the outline threshold on the smoothed tile map; null for patches
 * @param oodScore                 patch: the domain guard's score; whole image: the mean over tissue tiles; null
 *                                 without a guard
 * @param oodThreshold             the guard's threshold; null without a guard
 * @param outOfDomain              patch: its score is at or above the threshold; whole image: most tissue tiles are
 * @param analysedMicronsPerPixel  the pixel size the image was analysed at (the model's); null when the card states
 *                                 none
 * @param pixelSizeNote            where the image's pixel size came from, e.g. "0.25 µm/px from the file" or
 *                                 "pixel size unknown: assumed 4.0 µm/px"; null when the card states no resolution
 * @param pixelSizeAssumed         the image's pixel size was unknown and the model's was assumed
 */
public record ResultAssessment(Verdict verdict, GreyZone greyZone, Double tileThreshold, Double oodScore,
                               Double oodThreshold, boolean outOfDomain, Double analysedMicronsPerPixel,
                               String pixelSizeNote, boolean pixelSizeAssumed) {

    /** The warning shown beside a label whose patch (or most of whose tiles) lies outside the training domain. */
    public static final String OUT_OF_DOMAIN_WARNING = "Outside the model's training domain: this probability is"
            + " not reliable (the image does not look like the H&E breast tissue the model was trained on).";

    public ResultAssessment {
        if (verdict == null) {
            throw new IllegalArgumentException("A verdict is required");
        }
    }

    /** What predictions stored before this assessment existed say: two states, nothing else known. */
    public static ResultAssessment legacy(boolean positive) {
        return new ResultAssessment(positive ? Verdict.POSITIVE : Verdict.NEGATIVE, null, null, null, null, false,
                null, null, false);
    }

    public boolean indeterminate() {
        return verdict == Verdict.INDETERMINATE;
    }
}
