package org.histoscope.cases;

import java.time.Instant;

/**
 * Published (synchronously, inside the transaction that stores the result) when a prediction job finishes, so that
 * other features, such as the review queue, can pick the result up atomically with it.
 *
 * @param arrivedAfterSignOut the case was signed out before the result arrived: keep it, but show it as late
 * @param indeterminate       the probability lies in the model card's grey zone (or the slide is not assessable)
 * @param outOfDomain         the domain guard flagged the image as outside the model's training domain
 */
public record PredictionCompleted(long predictionId, long caseId, String accessionNumber, long imageId,
                                  String imageName, double probability, double threshold, String label,
                                  String modelName, String modelVersion, Instant completedAt,
                                  boolean arrivedAfterSignOut, boolean indeterminate, boolean outOfDomain) {

    /** A result with a definite verdict inside the training domain. */
    public PredictionCompleted(long predictionId, long caseId, String accessionNumber, long imageId,
                               String imageName, double probability, double threshold, String label,
                               String modelName, String modelVersion, Instant completedAt,
                               boolean arrivedAfterSignOut) {
        this(predictionId, caseId, accessionNumber, imageId, imageName, probability, threshold, label, modelName,
                modelVersion, completedAt, arrivedAfterSignOut, false, false);
    }
}
