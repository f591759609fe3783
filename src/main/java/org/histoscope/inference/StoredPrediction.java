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
                               String createdBy, Instant createdAt, TestTimeAugmentation testTimeAugmentation,
                               ResultAssessment assessment) {

    public StoredPrediction {
        assessment = assessment == null ? ResultAssessment.legacy(positive) : assessment;
    }

    /** Cancer, benign or indeterminate. */
    public Verdict verdict() {
        return assessment.verdict();
    }

    /** The label as shown: "indeterminate" inside the grey zone, else the class name. */
    public String displayLabel() {
        return assessment.verdict().displayLabel(label);
    }
}
