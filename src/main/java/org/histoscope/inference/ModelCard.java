package org.histoscope.inference;

import java.util.List;
import java.util.Map;

/**
 * The model card ({@code model-card.json}) of a model package: what the model expects and how it was made.
 * Preprocessing is driven entirely by {@link InputSpec}.
 *
 * @param metrics  free-form metrics from training (AUC, accuracy...), kept as parsed JSON
 * @param micronsPerPixel microns per pixel of the training images at native size (null when unknown)
 */
public record ModelCard(String id, String name, String version, String architecture, List<String> classes,
                        InputSpec input, OutputSpec output, double threshold, Double micronsPerPixel,
                        Map<String, Object> metrics, String sha256) {

    /**
     * @param name          ONNX input name
     * @param height        model input height (pixels)
     * @param width         model input width
     * @param layout        "NCHW"
     * @param channelOrder  "RGB" or "BGR"
     * @param scale         multiply 8-bit values by this first (1/255)
     * @param mean          per-channel mean subtracted after scaling, in channel order
     * @param std           per-channel std divided by after subtracting
     * @param resizeMethod  how a patch of another size is fitted: "pad_white_center_crop" (pad bottom/right with
     *                      white, centre-crop larger) or "bilinear"
     */
    public record InputSpec(String name, int height, int width, String layout, String channelOrder, double scale,
                            double[] mean, double[] std, String resizeMethod) {
    }

    /**
     * @param name    ONNX output name
     * @param meaning "probability" (sigmoid applied in the graph) or "logit"
     */
    public record OutputSpec(String name, String meaning) {

        public boolean isLogit() {
            return meaning != null && meaning.toLowerCase().contains("logit");
        }
    }

    /** The positive (cancer) class: the last of {@link #classes()}. */
    public String positiveClass() {
        return classes.get(classes.size() - 1);
    }

    public String negativeClass() {
        return classes.get(0);
    }
}
