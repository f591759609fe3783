package org.histoscope.inference;

import java.util.List;
import java.util.Map;

/**
 * The model card ({@code model-card.json}, schema version 1, see models/README.md) of a model package: what the
 * model expects and how it was made. Preprocessing is driven entirely by {@link InputSpec}.
 *
 * @param architecture       short description: the card's architecture.arch and description
 * @param classes            class names, index {@link #positiveClassIndex()} is the positive (cancer) class
 * @param threshold          decision threshold proposed by the card
 * @param micronsPerPixel    physical pixel size of the training patches; null when unknown
 * @param metrics            the card's metrics object (validation/test figures), as parsed JSON
 * @param sha256             sha256 of model.onnx according to the card
 * @param referenceTolerance how closely reference probabilities must be reproduced (default 1e-4)
 * @param testTimeAugmentation the card's "tta": how a patch prediction averages over flips/rotations
 * @param intendedUse        the card's intended_use line (printed on reports); "" when the card has none
 * @param operatingPoints    the card's tile and slide thresholds and grey zones ({@link OperatingPoints#NONE} if absent)
 * @param domainGuard        the card's domain guard output and threshold; null when the card names none
 */
public record ModelCard(String id, String name, String version, String architecture, List<String> classes,
                        int positiveClassIndex, InputSpec input, OutputSpec output, double threshold,
                        Double micronsPerPixel, Map<String, Object> metrics, String sha256,
                        double referenceTolerance, TestTimeAugmentation testTimeAugmentation, String intendedUse,
                        OperatingPoints operatingPoints, DomainGuard domainGuard) {

    public ModelCard {
        operatingPoints = operatingPoints == null ? OperatingPoints.NONE : operatingPoints;
        intendedUse = intendedUse == null ? "" : intendedUse;
        classes = List.copyOf(classes);
        metrics = metrics == null ? Map.of() : metrics;
        testTimeAugmentation = testTimeAugmentation == null ? TestTimeAugmentation.NONE : testTimeAugmentation;
    }

    /**
     * @param name          ONNX input name
     * @param height        model input height (pixels), the native patch size
     * @param width         model input width
     * @param layout        "NCHW" (the only layout supported)
     * @param channelOrder  "RGB" or "BGR"
     * @param scale         8-bit values are multiplied by this first (1/255)
     * @param mean          per-channel mean subtracted after scaling, in R, G, B order
     * @param std           per-channel standard deviation divided by after subtracting, in R, G, B order
     * @param resizeMethod  the card's text; patches are never resized outside the model: smaller ones are padded
     *                      bottom/right with white, larger ones centre-cropped (patch mode) or tiled (whole image)
     */
    public record InputSpec(String name, int height, int width, String layout, String channelOrder, double scale,
                            List<Double> mean, List<Double> std, String resizeMethod) {

        public InputSpec {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }
    }

    /**
     * @param name    ONNX output name
     * @param meaning the card's text, e.g. "probability of class 'cancer' (sigmoid inside the graph)"; a meaning
     *                that says "logit" makes inference apply the sigmoid itself
     */
    public record OutputSpec(String name, String meaning) {

        public boolean isLogit() {
            return meaning != null && meaning.toLowerCase().contains("logit");
        }
    }

    public String positiveClass() {
        return classes.get(positiveClassIndex);
    }

    /** The class reported when the probability is below the threshold (the other class of a binary model). */
    public String negativeClass() {
        return classes.get(positiveClassIndex == 0 ? 1 : 0);
    }
}
