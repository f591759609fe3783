package org.histoscope.inference;

import java.awt.image.BufferedImage;

/**
 * A model package's network loaded for its check before registration ({@link CandidateModels#load}): it
 * scores a patch exactly as a patch prediction does (the card's preprocessing, the same ONNX Runtime session
 * options) but is shared with nothing and cached nowhere. Close it after use.
 */
public interface CandidateModel extends AutoCloseable {

    /** The card the network was loaded and checked against. */
    ModelCard card();

    /**
     * The probability of the positive class for one patch of the card's input size.
     *
     * @throws PredictionFailedException if inference fails
     */
    double patchProbability(BufferedImage patch);

    @Override
    void close();
}
