package org.histoscope.review;

import java.time.Instant;

/**
 * @param arrivedAfterSignOut the result came in after its case had been signed out: kept and shown, never part of
 *                            the signed-out report until a reviewer looks at it
 */
public record QueueEntry(long predictionId, long caseId, String accessionNumber, long imageId, String imageName,
                         double probability, double threshold, double uncertaintyMargin, String predictedLabel,
                         String modelName, String modelVersion, Instant predictedAt, boolean reviewed,
                         Long latestReviewId, String finalLabel, boolean disagreement, Instant reviewedAt,
                         boolean arrivedAfterSignOut) {
}
