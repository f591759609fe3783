package org.histoscope.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileScore;
import org.histoscope.inference.TileStatistics;

/** A stored prediction: what the model said, which model on which device, how long it took, the tile grid. */
record ResultResource(long id, long caseId, long imageId, double probability, double threshold, String label,
                      boolean positive, Map<String, Double> classProbabilities, Model model, String device,
                      String mode, Timings timings, TileGrid tileGrid, String heatmapUrl, String createdBy,
                      Instant createdAt) {

    record Model(String id, String version) {
    }

    record Timings(long decodeMillis, long inferMillis) {
    }

    /** Present for whole-image predictions only. */
    record TileGrid(int tileSizePixels, int columns, int rows, int tilesTotal, int tissueTiles, int positiveTiles,
                    double positiveFraction, List<TileScore> topTiles) {

        static TileGrid of(TileStatistics statistics) {
            return statistics == null ? null : new TileGrid(statistics.tileSizePixels(), statistics.columns(),
                    statistics.rows(), statistics.tilesTotal(), statistics.tissueTiles(), statistics.positiveTiles(),
                    statistics.positiveFraction(), statistics.topTiles());
        }
    }

    static ResultResource of(StoredPrediction p) {
        return new ResultResource(p.id(), p.caseId(), p.imageId(), p.probability(), p.threshold(), p.label(),
                p.positive(), p.classProbabilities(), new Model(p.modelId(), p.modelVersion()),
                InferenceDevice.forPeople(p.device()),
                p.mode().name(), new Timings(p.decodeMillis(), p.inferMillis()), TileGrid.of(p.tileStatistics()),
                p.hasHeatmap() ? "/api/v1/results/" + p.id() + "/heatmap" : null, p.createdBy(), p.createdAt());
    }
}
