package org.histoscope.cases.ui;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.viewer.ui.SlideViewer;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.TileProbabilities;
import org.histoscope.cases.internal.SlideTileController;

/**
 * The deep-zoom viewer of a whole-slide result: the image's DZI tiles, the prediction's tile probabilities, the tile
 * threshold the outline is drawn at and the result's grey zone on the legend. Used where a whole-slide result is read:
 * its result page and its review.
 */
public class SlideResultViewer extends SlideViewer {

    private static final Pattern MICRONS = Pattern.compile("^\\s*([0-9.]+)\\s*µm/px");

    public SlideResultViewer(TileProbabilities tiles, StoredPrediction prediction, ImageSummary image) {
        super(SlideTileController.descriptorUrl(image.id()).substring(1), image.width(), image.height(),
                tiles.of(prediction, image.width(), image.height()).orElse(null), tileThreshold(prediction),
                micronsPerPixel(image.resolution()),
                prediction.assessment().greyZone() == null ? null : prediction.assessment().greyZone().low(),
                prediction.assessment().greyZone() == null ? null : prediction.assessment().greyZone().high());
    }

    /** The threshold the smoothed tiles are outlined at; the slide threshold where the card states none. */
    public static double tileThreshold(StoredPrediction prediction) {
        ResultAssessment assessment = prediction.assessment();
        return assessment.tileThreshold() != null ? assessment.tileThreshold() : prediction.threshold();
    }

    /** "0.4990 µm/px" or "1.0000 µm/px (stated: 10x objective)" to 0.499 / 1.0; null when unknown. */
    static Double micronsPerPixel(String resolution) {
        if (resolution == null) {
            return null;
        }
        Matcher number = MICRONS.matcher(resolution);
        return number.find() ? Double.valueOf(number.group(1)) : null;
    }
}
