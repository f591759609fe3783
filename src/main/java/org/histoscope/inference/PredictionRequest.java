package org.histoscope.inference;

import java.util.OptionalDouble;
import org.histoscope.inference.internal.PixelSize;

/**
 * What the user asked for.
 *
 * @param mode                   AUTO (by size), PATCH or WHOLE_IMAGE
 * @param statedMagnification    objective magnification stated by the user (e.g. 40, 20, 10); used to bring
 *                               the image to the model's microns per pixel when the file has no resolution
 *                               tags (40x is taken as 0.25 µm/px); null when not stated
 * @param registeredModelId      registry id of the model to use; null for the active model
 * @param defaultMicronsPerPixel the department's default pixel size, used when the file has no resolution and none
 *                               was stated; null when the department has none
 */
public record PredictionRequest(PredictionMode mode, Double statedMagnification, Long registeredModelId,
                                Double defaultMicronsPerPixel) {

    public PredictionRequest(PredictionMode mode, Double statedMagnification, Long registeredModelId) {
        this(mode, statedMagnification, registeredModelId, null);
    }

    public PredictionRequest {
        if (mode == null) {
            mode = PredictionMode.AUTO;
        }
        if (statedMagnification != null && !(statedMagnification > 0 && statedMagnification <= 400)) {
            throw new IllegalArgumentException("Magnification must be between 0 and 400, was " + statedMagnification);
        }
    }

    /** Automatic mode, active model, no stated magnification. */
    public static PredictionRequest auto() {
        return new PredictionRequest(PredictionMode.AUTO, null, null);
    }

    public static PredictionRequest of(PredictionMode mode) {
        return new PredictionRequest(mode, null, null);
    }

    public PredictionRequest withMagnification(double magnification) {
        return new PredictionRequest(mode, magnification, registeredModelId, defaultMicronsPerPixel);
    }

    /** The stated pixel size as the equivalent objective magnification (40x = 0.25 µm/px). */
    public PredictionRequest withMicronsPerPixel(double micronsPerPixel) {
        return withMagnification(PixelSize.MICRONS_AT_40X * 40 / micronsPerPixel);
    }

    public PredictionRequest withModel(long modelId) {
        return new PredictionRequest(mode, statedMagnification, modelId, defaultMicronsPerPixel);
    }

    /** With the department's default pixel size, for a file without resolution and nothing stated. */
    public PredictionRequest withDepartmentDefault(double micronsPerPixel) {
        return new PredictionRequest(mode, statedMagnification, registeredModelId, micronsPerPixel);
    }

    public OptionalDouble magnification() {
        return statedMagnification == null ? OptionalDouble.empty() : OptionalDouble.of(statedMagnification);
    }
}
