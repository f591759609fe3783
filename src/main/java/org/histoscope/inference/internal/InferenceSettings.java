package org.histoscope.inference.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.histoscope.inference.internal.SlideQc;

/**
 * Settings of {@code histoscope.inference.*}.
 *
 * @param intraOpThreads    ONNX Runtime intra-op threads per session; 0 = ONNX Runtime's default (physical cores)
 * @param useCuda           try the CUDA execution provider (GPU 0) first; falls back to CPU with the reason logged
 * @param batchSize         tiles per ONNX Runtime call in whole-image mode
 * @param tissueMinFraction a tile is classified when at least this fraction of its pixels look like tissue
 * @param heatmapMaxSide    longer side of the heatmap overlay in pixels (same as the UI's preview)
 * @param explainPatches    compute an occlusion-sensitivity map for patch predictions
 * @param wholeImageTta     let whole-image mode use the card's test-time augmentation per tile (8x the cost);
 *                          patch mode always follows the card
 * @param tissueScreen      find the tissue of a large image at low resolution first and decode only its regions at
 *                          full resolution (false: decode every tile, as before; kept for comparison and as a fallback)
 * @param slideQc           flag tissue tiles that are blurred, inked, too dark or washed out ({@link SlideQc}) and
 *                          leave them out of the slide score
 * @param minUsableTissueShare a slide whose usable share of tissue tiles (not flagged by QC or the domain guard) is
 *                          below this is proposed as not assessable (default 0.5)
 */
@ConfigurationProperties("histoscope.inference")
public record InferenceSettings(Integer intraOpThreads, Boolean useCuda, Integer batchSize, Double tissueMinFraction,
                                Integer heatmapMaxSide, Boolean explainPatches, Boolean wholeImageTta,
                                Boolean tissueScreen, Boolean slideQc, Double minUsableTissueShare) {

    public static final InferenceSettings DEFAULT = new InferenceSettings(null, null, null, null, null, null, null, null);

    /** Settings as before slide QC was configurable (QC on, half the tissue must be usable). */
    public InferenceSettings(Integer intraOpThreads, Boolean useCuda, Integer batchSize, Double tissueMinFraction,
                             Integer heatmapMaxSide, Boolean explainPatches, Boolean wholeImageTta,
                             Boolean tissueScreen) {
        this(intraOpThreads, useCuda, batchSize, tissueMinFraction, heatmapMaxSide, explainPatches, wholeImageTta,
                tissueScreen, null, null);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public InferenceSettings {
        intraOpThreads = intraOpThreads == null ? 0 : intraOpThreads;
        useCuda = useCuda == null || useCuda;
        batchSize = batchSize == null ? 32 : Math.max(1, batchSize);
        tissueMinFraction = tissueMinFraction == null ? 0.25 : tissueMinFraction;
        heatmapMaxSide = heatmapMaxSide == null ? 1024 : heatmapMaxSide;
        explainPatches = explainPatches == null || explainPatches;
        wholeImageTta = wholeImageTta != null && wholeImageTta;
        tissueScreen = tissueScreen == null || tissueScreen;
        slideQc = slideQc == null || slideQc;
        minUsableTissueShare = minUsableTissueShare == null ? 0.5 : minUsableTissueShare;
    }
}
