package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.OptionalDouble;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.TissueDetector;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Mode choice, resolution matching, tissue test and resampling, on the tiny model (card: 2.0 µm per pixel). */
class TilingRulesTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
    private static final ModelCard TINY = ModelCards.read(TestModels.tinyPackage().resolve(ModelCards.CARD_FILE));

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void tileSideFollowsResolutionTagsThenStatedMagnification() {
        ImageInfo unknown = info(1000, 1000, OptionalDouble.empty());
        ImageInfo tagged = info(1000, 1000, OptionalDouble.of(1.0));
        assertThat(DefaultInferenceService.tileSide(TINY, unknown, PredictionRequest.auto())).isEqualTo(50);
        // 1 µm/px images: the model's 50 px of 2 µm cover 100 image pixels
        assertThat(DefaultInferenceService.tileSide(TINY, tagged, PredictionRequest.auto())).isEqualTo(100);
        // 40x = 0.25 µm/px, so 10x = 1 µm/px; tags win over a stated magnification
        assertThat(DefaultInferenceService.tileSide(TINY, unknown, PredictionRequest.auto().withMagnification(10)))
                .isEqualTo(100);
        assertThat(DefaultInferenceService.tileSide(TINY, tagged, PredictionRequest.auto().withMagnification(40)))
                .isEqualTo(100);
        assertThat(DefaultInferenceService.tileSide(TINY, unknown, PredictionRequest.auto().withMagnification(5)))
                .isEqualTo(50);
    }

    @Test
    void autoModeTreatsSmallImagesAsPatches() {
        assertThat(DefaultInferenceService.chooseMode(PredictionMode.AUTO, info(50, 50, OptionalDouble.empty()), TINY, 50))
                .isEqualTo(PredictionMode.PATCH);
        assertThat(DefaultInferenceService.chooseMode(PredictionMode.AUTO, info(96, 96, OptionalDouble.empty()), TINY, 50))
                .isEqualTo(PredictionMode.PATCH);
        assertThat(DefaultInferenceService.chooseMode(PredictionMode.AUTO, info(101, 40, OptionalDouble.empty()), TINY, 50))
                .isEqualTo(PredictionMode.WHOLE_IMAGE);
        assertThat(DefaultInferenceService.chooseMode(PredictionMode.AUTO, info(60, 60, OptionalDouble.empty()), TINY, 100))
                .isEqualTo(PredictionMode.WHOLE_IMAGE);
        assertThat(DefaultInferenceService.chooseMode(PredictionMode.PATCH, info(900, 900, OptionalDouble.empty()), TINY, 50))
                .isEqualTo(PredictionMode.PATCH);
    }

    @Test
    void glassIsBackgroundAndStainedTissueIsNot() {
        BufferedImage image = new BufferedImage(100, 50, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 100; x++) {
                image.setRGB(x, y, x < 50 ? 0xF0F0F2 : 0xC86EB4); // glass | H&E pink-purple
            }
        }
        TissueDetector detector = new TissueDetector(0.25);
        assertThat(detector.isTissue(image, 0, 0, 50, 50)).isFalse();
        assertThat(detector.isTissue(image, 50, 0, 50, 50)).isTrue();
        // a border tile that is mostly outside the image: padding counts as background
        assertThat(detector.isTissue(image, 90, 0, 50, 50)).isFalse();
    }

    /** H&E tissue is neither white nor black: black margins and pure ink are not tissue. */
    @Test
    void blackSaturatedInkAndFlatTilesAreNotTissue() {
        TissueDetector detector = new TissueDetector(0.25);
        assertThat(detector.isTissue(filled(0x000000), 0, 0, 50, 50)).as("black").isFalse();
        assertThat(detector.isTissue(filled(0x141018), 0, 0, 50, 50)).as("near black").isFalse();
        assertThat(detector.isTissue(filled(0x00C800), 0, 0, 50, 50)).as("green ink").isFalse();
        assertThat(detector.isTissue(filled(0x1020F0), 0, 0, 50, 50)).as("blue marker").isFalse();
        assertThat(detector.isTissue(filled(0xC86EB4), 0, 0, 50, 50)).as("eosin pink").isTrue();
        assertThat(detector.isTissue(filled(0x5A3C8C), 0, 0, 50, 50)).as("haematoxylin purple").isTrue();
        assertThat(detector.tissueFraction(filled(0xFFFFFF))).isZero();
    }

    private static BufferedImage filled(int rgb) {
        BufferedImage image = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 50; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /**
     * A whole-image run plans its band reads first: a layout whose bands would cost more than the image's decode
     * budget is refused before any pixel is decoded (a PNG is decoded from the top for every band).
     */
    @Test
    void aWholeImageRunThatWouldExceedTheDecodeBudgetIsRefusedBeforeDecoding() {
        SafeImageInspector budgeted = new SafeImageInspector(new org.histoscope.images.ImageLimits(null, null, null,
                100_000L).withCosts(null, null, null, 10_000_000L));
        LoadedModel model = engine.load(TINY, TestModels.tinyPackage().resolve(ModelCards.MODEL_FILE), TINY.sha256());
        java.util.List<Double> progress = new java.util.ArrayList<>();
        try (RegionReader reader = budgeted.open(StoredPredictionTest.image("slide/idc-8984-region.png"))) {
            var predictor = new WholeImagePredictor(model, engine.settings(), 100_000L);
            var e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> predictor.run(reader, 50, progress::add),
                    org.histoscope.images.ImageRejectedException.class);
            assertThat(e.reason()).isEqualTo(org.histoscope.images.ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE);
            assertThat(e.getMessage()).contains("2,000 x 1,300").contains("tiled TIFF");
            assertThat(reader.decodeBudgetLeft()).isEqualTo(10_000_000L);
        }
        assertThat(progress).isEmpty();
    }

    /**
     * An image enlarged 2x by pixel duplication and tagged with half the model's microns per pixel is tiled in
     * 100-pixel tiles averaged back to exactly the original pixels: the same probabilities as the original.
     */
    @Test
    void rescaledImageGivesTheSameTileProbabilitiesAsTheOriginal() {
        SafeImageInspector inspector = new SafeImageInspector();
        LoadedModel model = engine.load(TINY, TestModels.tinyPackage().resolve(ModelCards.MODEL_FILE), TINY.sha256());
        BufferedImage original = inspector.readWhole(StoredPredictionTest.image("slide/idc-8984-region.png"))
                .getSubimage(400, 300, 400, 300);
        BufferedImage doubled = new BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 600; y++) {
            for (int x = 0; x < 800; x++) {
                doubled.setRGB(x, y, original.getRGB(x / 2, y / 2));
            }
        }
        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), 40_000_000);
        WholeImagePredictor.Result atNative = predictor.run(inMemory(copy(original), OptionalDouble.of(2.0)), 50,
                ProgressListener.NONE);
        WholeImagePredictor.Result rescaled = predictor.run(inMemory(doubled, OptionalDouble.of(1.0)), 100,
                ProgressListener.NONE);
        assertThat(rescaled.columns()).isEqualTo(8);
        assertThat(rescaled.rows()).isEqualTo(6);
        assertThat(rescaled.grid()).containsExactly(atNative.grid());
    }

    private static BufferedImage copy(BufferedImage image) {
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(image, 0, 0, null);
        return copy;
    }

    private static ImageInfo info(int width, int height, OptionalDouble microns) {
        return new ImageInfo(ImageFormat.TIFF, width, height, 1, 0, 8, 3, microns, 1000);
    }

    private static RegionReader inMemory(BufferedImage image, OptionalDouble microns) {
        ImageInfo info = info(image.getWidth(), image.getHeight(), microns);
        return new RegionReader() {
            @Override
            public ImageInfo info() {
                return info;
            }

            @Override
            public BufferedImage readRegion(Rectangle region, int subsampling) {
                return copy(image.getSubimage(region.x, region.y, region.width, region.height));
            }

            @Override
            public void close() {
            }
        };
    }
}
