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

    /**
     * The occlusion-sensitivity overlay (RGBA PNG at the image's size) of a patch prediction, computed as a step of
     * its own after the result was stored: the same crop and model as {@link #predict}, each occluded view compared
     * with the probability the prediction found.
     *
     * @param registeredModelId the model that made the prediction ({@link PredictionOutcome#registeredModelId()})
     * @param probability       the probability it found
     * @throws org.histoscope.images.ImageRejectedException if the image can no longer be read
     * @throws PredictionFailedException                     if the model is no longer usable
     */
    byte[] explainPatch(Path image, long registeredModelId, double probability);

    /** The device ONNX Runtime uses and why (for the admin system view and health). */
    InferenceDevice device();
}
