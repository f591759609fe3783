package org.histoscope.review;

import java.time.Instant;

public record QueueEntry(long predictionId, long caseId, String accessionNumber, long imageId, String imageName,
                         double probability, double threshold, double uncertaintyMargin, String predictedLabel,
                         String modelName, String modelVersion, Instant predictedAt, boolean reviewed,
                         Long latestReviewId, String finalLabel, boolean disagreement, Instant reviewedAt) {
}
