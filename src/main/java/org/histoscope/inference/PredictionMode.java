package org.histoscope.inference;

/** How an image is analysed. */
public enum PredictionMode {
    /** Chosen by size: images up to about twice the model's input size are patches, larger ones whole images. */
    AUTO,
    /** The image is one patch: fitted to the model input as in training, one probability. */
    PATCH,
    /** The image is tiled at the model's native resolution; tissue tiles are classified and aggregated. */
    WHOLE_IMAGE
}
