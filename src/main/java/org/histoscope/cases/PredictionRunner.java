package org.histoscope.cases;

import java.nio.file.Path;
import java.util.function.DoubleConsumer;

/** Runs the classifier on a stored original and stores the prediction; implemented over the inference service. */
interface PredictionRunner {

    /**
     * @param modelId  the model to use, or null for the active model
     * @param progress receives the fraction done (0..1) for large images
     */
    Outcome run(long caseId, long imageId, Path original, Long modelId, DoubleConsumer progress) throws Exception;

    record Outcome(long predictionId, double probability, double threshold, String label, String modelName,
                   String modelVersion) {
    }
}
