package org.histoscope.inference;

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
import org.springframework.stereotype.Service;

/**
 * Patch and whole-image prediction with the active (or a chosen) model. AUTO picks patch mode for images up to twice
 * the model's input size on each side whose resolution needs no rescaling, whole-image mode otherwise.
 */
@Service
@RolesAllowed(Roles.SYSTEM) // inference runs in durable jobs only
public class DefaultInferenceService implements InferenceService {

    /** Microns per pixel at 40x objective magnification; other magnifications scale inversely. */
    static final double MICRONS_AT_40X = 0.25;
    private static final double SAME_RESOLUTION_TOLERANCE = 0.02;

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
            int tileSide = tileSide(descriptor.card(), info, request);
            PredictionMode mode = chooseMode(request.mode(), info, descriptor.card(), tileSide);
            PredictionOutcome outcome = mode == PredictionMode.PATCH
                    ? predictPatch(reader, model, descriptor)
                    : predictWholeImage(reader, model, descriptor, tileSide, progress);
            progress.progress(1.0);
            return outcome;
        }
    }

    private ModelDescriptor descriptor(PredictionRequest request) {
        if (request.registeredModelId() != null) {
            return catalog.model(request.registeredModelId()).orElseThrow(() -> new PredictionFailedException(
                    PredictionFailedException.Reason.MODEL_NOT_FOUND,
                    "Model " + request.registeredModelId() + " is not registered or not usable."));
        }
        return catalog.activeModel().orElseThrow(() -> new PredictionFailedException(
                PredictionFailedException.Reason.NO_ACTIVE_MODEL,
                "No model is active. An administrator must activate a model first."));
    }

    /**
     * Side of one tile in image pixels: the model's input size, rescaled when both the image's resolution (TIFF tags,
     * else the stated magnification) and the model's training resolution are known.
     */
    static int tileSide(ModelCard card, ImageInfo info, PredictionRequest request) {
        int native_ = card.input().width();
        OptionalDouble imageMicrons = info.micronsPerPixel().isPresent() ? info.micronsPerPixel()
                : request.magnification().isPresent()
                ? OptionalDouble.of(MICRONS_AT_40X * 40 / request.magnification().getAsDouble())
                : OptionalDouble.empty();
        if (card.micronsPerPixel() == null || imageMicrons.isEmpty()) {
            return native_;
        }
        double ratio = card.micronsPerPixel() / imageMicrons.getAsDouble();
        if (Math.abs(ratio - 1) <= SAME_RESOLUTION_TOLERANCE) {
            return native_;
        }
        return Math.max(1, (int) Math.round(native_ * ratio));
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

    private PredictionOutcome predictPatch(RegionReader reader, LoadedModel model, ModelDescriptor descriptor) {
        ImageInfo info = reader.info();
        ModelCard card = descriptor.card();
        long started = System.nanoTime();
        BufferedImage patch = reader.readRegion(PatchCrop.of(info, card).region(), 1);
        if (new TissueDetector(engine.settings().tissueMinFraction()).tissueFraction(patch) == 0) {
            throw new PredictionFailedException(PredictionFailedException.Reason.NO_TISSUE, String.format(
                    "No tissue found: no pixel of this %d x %d image looks like stained tissue (it is white, black or"
                            + " one ink colour), so no prediction was made. Check that the right image was uploaded.",
                    info.width(), info.height()));
        }
        Preprocessor preprocessor = new Preprocessor(card.input());
        float[] input = new float[preprocessor.valuesPerPatch()];
        preprocessor.patch(patch, 0, 0, input, 0);
        long decoded = System.nanoTime();
        TestTimeAugmentation tta = card.testTimeAugmentation();
        float probability = model.predict(input, 1, tta)[0];
        long inferred = System.nanoTime();
        // the explanation (81 occluded views) would triple the wait for the result: it follows as its own step
        return outcome(descriptor, model, probability, PredictionMode.PATCH, decoded - started, inferred - decoded,
                null, null, null, null, tta, engine.settings().explainPatches());
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
                                                int tileSide, ProgressListener progress) {
        ImageInfo info = reader.info();
        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), inspector.maxFullDecodePixels());
        WholeImagePredictor.Result result = predictor.run(reader, tileSide, progress);
        TileStatistics statistics = WholeImagePredictor.statistics(result, info, descriptor.threshold());
        if (statistics.tissueTiles() == 0) {
            throw new PredictionFailedException(PredictionFailedException.Reason.NO_TISSUE, String.format(
                    java.util.Locale.ROOT, "No tissue found: none of the %,d tiles of %d x %d pixels looks like"
                            + " stained tissue (all are white glass, black or ink), so no prediction was"
                            + " made. Check that the right image was uploaded and that it is an H&E slide.",
                    statistics.tilesTotal(), tileSide, tileSide));
        }
        // not the single highest tile: one noisy tile must not make a slide positive (see WholeSlideScoring)
        double probability = WholeSlideScoring.slideScore(result.grid(), result.columns(), result.rows());
        byte[] heatmap = WholeImagePredictor.heatmap(result, info, engine.settings().heatmapMaxSide());
        TileGrid grid = new TileGrid(info.width(), info.height(), 0, 0, tileSide, tileSide, result.columns(),
                result.rows(), result.grid());
        return outcome(descriptor, model, probability, PredictionMode.WHOLE_IMAGE, result.decodeNanos(),
                result.inferNanos(), statistics, heatmap, null, grid, predictor.testTimeAugmentation(), false);
    }

    private PredictionOutcome outcome(ModelDescriptor descriptor, LoadedModel model, double probability,
                                      PredictionMode mode, long decodeNanos, long inferNanos,
                                      TileStatistics statistics, byte[] heatmap, byte[] explanation,
                                      TileGrid grid, TestTimeAugmentation tta, boolean explanationFollows) {
        ModelCard card = descriptor.card();
        boolean positive = probability >= descriptor.threshold();
        return new PredictionOutcome(probability,
                Map.of(card.positiveClass(), probability, card.negativeClass(), 1 - probability),
                descriptor.threshold(), positive ? card.positiveClass() : card.negativeClass(), positive, card.id(),
                card.version(), model.device(), mode, TimeUnit.NANOSECONDS.toMillis(decodeNanos),
                TimeUnit.NANOSECONDS.toMillis(inferNanos), statistics, heatmap, explanation, grid, tta,
                descriptor.registeredModelId(), explanationFollows);
    }
}
