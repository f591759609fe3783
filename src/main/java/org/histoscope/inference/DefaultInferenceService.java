package org.histoscope.inference;

import org.histoscope.platform.PeopleText;
import org.histoscope.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageInspector;
import org.histoscope.images.RegionReader;
import org.histoscope.inference.internal.OcclusionExplainer;
import org.histoscope.inference.internal.PixelSize;
import org.histoscope.inference.internal.TissueDetector;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;
import org.springframework.stereotype.Service;

/**
 * Patch and whole-image prediction with the active (or a chosen) model. AUTO picks patch mode for images up to twice
 * the model's input size on each side whose resolution needs no rescaling, whole-image mode otherwise.
 */
@Service
@RolesAllowed(Roles.SYSTEM) // inference runs in durable jobs only
public class DefaultInferenceService implements InferenceService {


    private final ImageInspector inspector;
    private final OnnxRuntimeEngine engine;
    private final ModelCatalog catalog;

    public DefaultInferenceService(ImageInspector inspector, OnnxRuntimeEngine engine, ModelCatalog catalog) {
        this.inspector = inspector;
        this.engine = engine;
        this.catalog = catalog;
    }

    @Override
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public InferenceDevice device() {
        return engine.device();
    }

    @Override
    public PredictionOutcome predict(Path image, PredictionRequest request, ProgressListener progress) {
        ModelDescriptor descriptor = descriptor(request);
        LoadedModel model = engine.load(descriptor.card(), descriptor.onnxFile(), descriptor.sha256());
        try (RegionReader reader = inspector.open(image)) {
            ImageInfo info = reader.info();
            PixelSize pixelSize = PixelSize.resolve(descriptor.card(), info, request);
            int tileSide = pixelSize.tileSide(descriptor.card());
            PredictionMode mode = chooseMode(request.mode(), info, descriptor.card(), tileSide);
            PredictionOutcome outcome = mode == PredictionMode.PATCH
                    ? predictPatch(reader, model, descriptor, pixelSize)
                    : predictWholeImage(reader, model, descriptor, tileSide, progress, pixelSize);
            progress.progress(1.0);
            return outcome;
        }
    }

    private ModelDescriptor descriptor(PredictionRequest request) {
        if (request.registeredModelId() != null) {
            return catalog.model(request.registeredModelId()).orElseThrow(() -> new PredictionFailedException(
                    PredictionFailedException.Reason.MODEL_NOT_FOUND,
                    PeopleText.of("refusal.inference.model-not-found", String.valueOf(request.registeredModelId()))));
        }
        return catalog.activeModel().orElseThrow(() -> new PredictionFailedException(
                PredictionFailedException.Reason.NO_ACTIVE_MODEL,
                PeopleText.of("refusal.inference.no-active-model")));
    }

    /**
     * Side of one tile in image pixels: the model's input size, rescaled when both the image's resolution (TIFF tags,
     * else the stated magnification) and the model's training resolution are known.
     */
    static int tileSide(ModelCard card, ImageInfo info, PredictionRequest request) {
        return PixelSize.resolve(card, info, request).tileSide(card);
    }

    static PredictionMode chooseMode(PredictionMode requested, ImageInfo info, ModelCard card, int tileSide) {
        if (requested != PredictionMode.AUTO) {
            return requested;
        }
        boolean small = info.width() <= 2 * card.input().width() && info.height() <= 2 * card.input().height();
        return small && tileSide == card.input().width() ? PredictionMode.PATCH : PredictionMode.WHOLE_IMAGE;
    }

    @Override
    public byte[] explainPatch(Path image, long registeredModelId, double probability) {
        ModelDescriptor descriptor = descriptor(new PredictionRequest(PredictionMode.PATCH, null, registeredModelId));
        LoadedModel model = engine.load(descriptor.card(), descriptor.onnxFile(), descriptor.sha256());
        try (RegionReader reader = inspector.open(image)) {
            ImageInfo info = reader.info();
            PatchCrop crop = PatchCrop.of(info, descriptor.card());
            Preprocessor preprocessor = new Preprocessor(descriptor.card().input());
            float[] input = new float[preprocessor.valuesPerPatch()];
            preprocessor.patch(reader.readRegion(crop.region(), 1), 0, 0, input, 0);
            return OcclusionExplainer.explain(model, input, (float) probability, whiteValues(preprocessor),
                    info.width(), info.height(), crop.region().x, crop.region().y, engine.settings().batchSize());
        }
    }

    /** Larger patches are centre-cropped, smaller ones padded with white: training's fit_to_size. */
    private record PatchCrop(Rectangle region) {
        static PatchCrop of(ImageInfo info, ModelCard card) {
            int cropLeft = Math.max(0, (info.width() - card.input().width()) / 2);
            int cropTop = Math.max(0, (info.height() - card.input().height()) / 2);
            return new PatchCrop(new Rectangle(cropLeft, cropTop, Math.min(info.width(), card.input().width()),
                    Math.min(info.height(), card.input().height())));
        }
    }

    private PredictionOutcome predictPatch(RegionReader reader, LoadedModel model, ModelDescriptor descriptor,
                                           PixelSize pixelSize) {
        ImageInfo info = reader.info();
        ModelCard card = descriptor.card();
        long started = System.nanoTime();
        BufferedImage patch = reader.readRegion(PatchCrop.of(info, card).region(), 1);
        if (new TissueDetector(engine.settings().tissueMinFraction()).tissueFraction(patch) == 0) {
            throw new PredictionFailedException(PredictionFailedException.Reason.NO_TISSUE, PeopleText.of(
                    "refusal.inference.no-tissue-pixel", String.valueOf(info.width()), String.valueOf(info.height())));
        }
        Preprocessor preprocessor = new Preprocessor(card.input());
        float[] input = new float[preprocessor.valuesPerPatch()];
        preprocessor.patch(patch, 0, 0, input, 0);
        long decoded = System.nanoTime();
        TestTimeAugmentation tta = card.testTimeAugmentation();
        LoadedModel.Scores scores = model.score(input, 1, tta);
        float probability = scores.probabilities()[0];
        long inferred = System.nanoTime();
        DomainGuard guard = card.domainGuard();
        Double oodScore = guard == null ? null : (double) scores.oodScores()[0];
        GreyZone greyZone = card.operatingPoints().patchGreyZone();
        ResultAssessment assessment = new ResultAssessment(Verdict.of(probability, descriptor.threshold(), greyZone),
                greyZone, null, oodScore, guard == null ? null : guard.threshold(),
                guard != null && guard.flags(oodScore), card.micronsPerPixel(), pixelSize.note(card),
                pixelSize.assumed(card));
        // the explanation (81 occluded views) would triple the wait for the result: it follows as its own step
        return outcome(descriptor, model, probability, descriptor.threshold(), PredictionMode.PATCH,
                decoded - started, inferred - decoded, null, null, null, null, tta, assessment,
                engine.settings().explainPatches());
    }

    private static float[] whiteValues(Preprocessor preprocessor) {
        BufferedImage white = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        white.setRGB(0, 0, 0xFFFFFF);
        float[] one = new float[preprocessor.valuesPerPatch()];
        preprocessor.patch(white, 0, 0, one, 0);
        int plane = one.length / 3;
        return new float[] {one[0], one[plane], one[2 * plane]};
    }

    private PredictionOutcome predictWholeImage(RegionReader reader, LoadedModel model, ModelDescriptor descriptor,
                                                int tileSide, ProgressListener progress, PixelSize pixelSize) {
        ImageInfo info = reader.info();
        ModelCard card = descriptor.card();
        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), inspector.maxFullDecodePixels());
        WholeImagePredictor.Result result = predictor.run(reader, tileSide, progress);
        TileStatistics statistics = WholeImagePredictor.statistics(result, info, descriptor.threshold(),
                engine.settings().minUsableTissueShare());
        if (statistics.tissueTiles() == 0) {
            throw new PredictionFailedException(PredictionFailedException.Reason.NO_TISSUE, PeopleText.of(
                    "refusal.inference.no-tissue-tile", statistics.tilesTotal(), String.valueOf(tileSide),
                    String.valueOf(tileSide)));
        }
        // not the single highest tile: one noisy tile must not make a slide positive (see WholeSlideScoring); tiles
        // outside the training domain or failing slide QC do not count
        double probability = WholeSlideScoring.slideScore(result.usableGrid(), result.columns(), result.rows());
        byte[] heatmap = WholeImagePredictor.heatmap(result, info, engine.settings().heatmapMaxSide());
        TileGrid grid = new TileGrid(info.width(), info.height(), 0, 0, tileSide, tileSide, result.columns(),
                result.rows(), result.grid(), result.flags(), result.oodScores());
        OperatingPoints points = card.operatingPoints();
        double slideThreshold = points.slideThreshold(descriptor.threshold());
        GreyZone greyZone = points.slideGreyZone();
        Verdict verdict = statistics.notAssessable() ? Verdict.INDETERMINATE
                : Verdict.of(probability, slideThreshold, greyZone);
        DomainGuard guard = card.domainGuard();
        Double meanOod = guard == null ? null : meanOverTissue(result.oodScores());
        boolean mostlyOutOfDomain = guard != null && statistics.tissueTiles() > 0
                && statistics.outOfDomainTiles() * 2 >= statistics.tissueTiles();
        ResultAssessment assessment = new ResultAssessment(verdict, greyZone,
                points.tileThreshold(descriptor.threshold()), meanOod, guard == null ? null : guard.threshold(),
                mostlyOutOfDomain, card.micronsPerPixel(), pixelSize.note(card), pixelSize.assumed(card));
        return outcome(descriptor, model, probability, slideThreshold, PredictionMode.WHOLE_IMAGE,
                result.decodeNanos(), result.inferNanos(), statistics, heatmap, null, grid,
                predictor.testTimeAugmentation(), assessment, false);
    }

    private static Double meanOverTissue(float[] scores) {
        double sum = 0;
        int n = 0;
        for (float score : scores) {
            if (!Float.isNaN(score)) {
                sum += score;
                n++;
            }
        }
        return n == 0 ? null : sum / n;
    }

    /** @param threshold the patch threshold for patches, the slide threshold for whole images */
    private PredictionOutcome outcome(ModelDescriptor descriptor, LoadedModel model, double probability,
                                      double threshold, PredictionMode mode, long decodeNanos, long inferNanos,
                                      TileStatistics statistics, byte[] heatmap, byte[] explanation,
                                      TileGrid grid, TestTimeAugmentation tta, ResultAssessment assessment,
                                      boolean explanationFollows) {
        ModelCard card = descriptor.card();
        boolean positive = probability >= threshold;
        return new PredictionOutcome(probability,
                Map.of(card.positiveClass(), probability, card.negativeClass(), 1 - probability),
                threshold, positive ? card.positiveClass() : card.negativeClass(), positive, card.id(),
                card.version(), model.device(), mode, TimeUnit.NANOSECONDS.toMillis(decodeNanos),
                TimeUnit.NANOSECONDS.toMillis(inferNanos), statistics, heatmap, explanation, grid, tta, assessment,
                descriptor.registeredModelId(), explanationFollows);
    }
}
