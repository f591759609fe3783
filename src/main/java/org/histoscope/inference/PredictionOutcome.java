package org.histoscope.inference;

import java.util.Map;

/**
 * The result of one prediction.
 *
 * @param probability        cancer (positive class) probability: for patches the model output, for whole images
 *                           the slide score of {@link WholeSlideScoring} (mean of the top tiles of the smoothed
 *                           tile map)
 * @param classProbabilities class name (from the model card) to probability
 * @param threshold          decision threshold in force (from the model registry)
 * @param label              the class name decided: the positive class when probability >= threshold
 * @param positive           whether the call is the positive (cancer) class
 * @param modelId            model id from its card (e.g. "xception-nasnetmobile-idc")
 * @param modelVersion       model version from its card
 * @param device             execution device, e.g. "CUDA:0" or "CPU (CUDA unavailable: ...)"
 * @param mode               PATCH or WHOLE_IMAGE (never AUTO)
 * @param decodeMillis       time spent decoding and preprocessing pixels
 * @param inferMillis        time spent in ONNX Runtime
 * @param tileStatistics     for whole images; null for patches
 * @param heatmapPng         whole images: RGBA PNG overlay, same aspect as the image at preview scale (one cell
 *                           per tile, transparent for background); null for patches
 * @param explanationPng     patches: RGBA PNG occlusion-sensitivity overlay at the patch's size; null otherwise
 *                           (or when explanation was not computed)
 * @param testTimeAugmentation  the views each probability was averaged over (NONE: the image as it is)
 * @param tileGrid           whole images: every tile's probability exactly as computed, with its geometry; null for
 *                           patches
 * @param assessment         verdict (with the grey zone), domain guard and pixel size facts
 * @param registeredModelId  the registered model that computed it (for the explanation that follows); null if unknown
 * @param explanationFollows patches: an explanation is to be computed as a step of its own
 *                           ({@link InferenceService#explainPatch}) once the result is stored
 */
public record PredictionOutcome(double probability, Map<String, Double> classProbabilities, double threshold,
                                String label, boolean positive, String modelId, String modelVersion,
                                String device, PredictionMode mode, long decodeMillis, long inferMillis,
                                TileStatistics tileStatistics, byte[] heatmapPng, byte[] explanationPng,
                                TileGrid tileGrid, TestTimeAugmentation testTimeAugmentation,
                                ResultAssessment assessment, Long registeredModelId, boolean explanationFollows) {

    public PredictionOutcome {
        classProbabilities = Map.copyOf(classProbabilities);
        assessment = assessment == null ? ResultAssessment.legacy(positive) : assessment;
    }

    /** An outcome without a tile grid (patches). */
    public PredictionOutcome(double probability, Map<String, Double> classProbabilities, double threshold,
                             String label, boolean positive, String modelId, String modelVersion, String device,
                             PredictionMode mode, long decodeMillis, long inferMillis, TileStatistics tileStatistics,
                             byte[] heatmapPng, byte[] explanationPng) {
        this(probability, classProbabilities, threshold, label, positive, modelId, modelVersion, device, mode,
                decodeMillis, inferMillis, tileStatistics, heatmapPng, explanationPng, null, TestTimeAugmentation.NONE,
                null, null, false);
    }
}
