package org.histoscope.inference;

import java.nio.file.Path;

/**
 * Runs the cancer classifier on an image file. Thread-safe; ONNX Runtime sessions are shared.
 * Does not store anything: see {@link PredictionService} for stored, audited predictions.
 */
public interface InferenceService {

    /**
     * Predicts on the image.
     *
     * @throws org.histoscope.images.ImageRejectedException if the image is refused (format, limits, corrupt)
     * @throws PredictionFailedException                     if there is no usable model or inference fails
     */
    PredictionOutcome predict(Path image, PredictionRequest request, ProgressListener progress);

    /** The device ONNX Runtime uses and why (for the admin system view and health). */
    InferenceDevice device();
}
