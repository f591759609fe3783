package org.histoscope.review;

import java.time.Instant;

/**
 * @param arrivedAfterSignOut the result came in after its case had been signed out: kept and shown, never part of
 *                            the signed-out report until a reviewer looks at it
 * @param indeterminate       the model's probability lies in its grey zone: shown as "indeterminate", first when
 *                            sorted by uncertainty
 * @param outOfDomain         the domain guard flagged the image outside the model's training domain
 */
public record QueueEntry(long predictionId, long caseId, String accessionNumber, long imageId, String imageName,
                         double probability, double threshold, double uncertaintyMargin, String predictedLabel,
                         String modelName, String modelVersion, Instant predictedAt, boolean reviewed,
                         Long latestReviewId, String finalLabel, boolean disagreement, Instant reviewedAt,
                         boolean arrivedAfterSignOut, boolean indeterminate, boolean outOfDomain) {
}
