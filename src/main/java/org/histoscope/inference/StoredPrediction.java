package org.histoscope.inference;

import java.time.Instant;
import java.util.Map;

/**
 * A prediction as stored in the {@code prediction} table. The PNG overlays are loaded separately
 * ({@link PredictionService#heatmapPng(long)}, {@link PredictionService#explanationPng(long)}).
 */
public record StoredPrediction(long id, long caseId, long imageId, double probability,
                               Map<String, Double> classProbabilities, double threshold, String label,
                               boolean positive, String modelId, String modelVersion, String device,
                               PredictionMode mode, long decodeMillis, long inferMillis,
                               TileStatistics tileStatistics, boolean hasHeatmap, boolean hasExplanation,
                               String createdBy, Instant createdAt, TestTimeAugmentation testTimeAugmentation) {
}
