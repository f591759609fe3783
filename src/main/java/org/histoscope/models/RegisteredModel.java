package org.histoscope.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model in the registry, as shown to users.
 *
 * @param calibrationPrevalence the share of IDC patches its probability is calibrated for (the card's
 *                              calibration.prevalence); null when the card does not state one
 */
public record RegisteredModel(long id, String modelId, String name, String version, String architecture,
                              List<String> classes, double threshold, ModelStatus status,
                              Map<String, Object> metrics, String sha256, String storagePath,
                              String addedBy, Instant addedAt, Double calibrationPrevalence) {
}
