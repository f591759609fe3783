package org.histoscope.api.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileScore;
import org.histoscope.inference.TileStatistics;

/**
 * A stored prediction: what the model said, which model on which device, how long it took, the tile grid, and how far
 * it may be trusted (verdict with the grey zone, domain guard, pixel size).
 *
 * @param verdict   "positive", "negative" or "indeterminate" (inside the model card's grey zone, or a slide proposed
 *                  as not assessable): read this, not {@code positive}, to show the call
 * @param threshold the patch threshold for patches, the slide threshold for whole images
 */
record ResultResource(long id, long caseId, long imageId, double probability, double threshold, String label,
                      boolean positive, String verdict, GreyZone greyZone, Double tileThreshold, Domain domain,
                      PixelSize pixelSize, Map<String, Double> classProbabilities, Model model, String device,
                      String mode, Timings timings, TileGrid tileGrid, String heatmapUrl, String createdBy,
                      Instant createdAt) {

    record GreyZone(double low, double high) {
    }

    /**
     * The domain guard; null when the model has none.
     *
     * @param outOfDomain true: "outside the model's training domain", the probability is not reliable
     * @param warning     the warning to show beside the label, null when in domain
     */
    record Domain(double score, double threshold, boolean outOfDomain, String warning) {
    }

    /**
     * @param analysedMicronsPerPixel the model's resolution the image was analysed at; null when its card states none
     * @param note                    e.g. "pixel size unknown: assumed 4.0 µm/px"
     * @param assumed                 the image's pixel size was unknown
     */
    record PixelSize(Double analysedMicronsPerPixel, String note, boolean assumed) {
    }

    record Model(String id, String version) {
    }

    record Timings(long decodeMillis, long inferMillis) {
    }

    /** Present for whole-image predictions only. */
    record TileGrid(int tileSizePixels, int columns, int rows, int tilesTotal, int tissueTiles, int positiveTiles,
                    double positiveFraction, List<TileScore> topTiles, int outOfDomainTiles, int blurredTiles,
                    int penInkTiles, int darkOrBrightTiles, double usableShare, boolean notAssessable) {

        static TileGrid of(TileStatistics statistics) {
            return statistics == null ? null : new TileGrid(statistics.tileSizePixels(), statistics.columns(),
                    statistics.rows(), statistics.tilesTotal(), statistics.tissueTiles(), statistics.positiveTiles(),
                    statistics.positiveFraction(), statistics.topTiles(), statistics.outOfDomainTiles(),
                    statistics.blurredTiles(), statistics.penInkTiles(), statistics.darkOrBrightTiles(),
                    statistics.usableShare(), statistics.notAssessable());
        }
    }

    static ResultResource of(StoredPrediction p) {
        ResultAssessment a = p.assessment();
        return new ResultResource(p.id(), p.caseId(), p.imageId(), p.probability(), p.threshold(), p.label(),
                p.positive(), a.verdict().apiName(),
                a.greyZone() == null ? null : new GreyZone(a.greyZone().low(), a.greyZone().high()), a.tileThreshold(),
                a.oodScore() == null ? null : new Domain(a.oodScore(), a.oodThreshold(), a.outOfDomain(),
                        a.outOfDomain() ? ResultAssessment.OUT_OF_DOMAIN_WARNING : null),
                a.pixelSizeNote() == null ? null : new PixelSize(a.analysedMicronsPerPixel(), a.pixelSizeNote(),
                        a.pixelSizeAssumed()),
                p.classProbabilities(), new Model(p.modelId(), p.modelVersion()), InferenceDevice.forPeople(p.device()),
                p.mode().name(), new Timings(p.decodeMillis(), p.inferMillis()), TileGrid.of(p.tileStatistics()),
                p.hasHeatmap() ? "/api/v1/results/" + p.id() + "/heatmap" : null, p.createdBy(), p.createdAt());
    }
}
