package org.histoscope.models;

import java.time.Instant;

/**
 * An evaluation of a model on an uploaded labelled image set.
 *
 * @param status   RUNNING, DONE or FAILED
 * @param metrics  the results when DONE, else null
 * @param error    why it FAILED, else null
 * @param progress the fraction of the images predicted so far (0..1)
 */
public record ModelEvaluation(long id, long modelId, String datasetName, String status, double targetSensitivity,
                              double threshold, EvaluationMetrics metrics, String error, String createdBy,
                              Instant createdAt, Instant finishedAt, double progress,
                              org.histoscope.platform.PeopleText errorText) {
}
