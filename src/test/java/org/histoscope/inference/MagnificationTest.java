package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.PixelSize;
import org.histoscope.inference.internal.TileFeeder;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Magnification on the real model, its card stating the IDC patches' 4 µm/px: a region of the stitched slide of
 * patient 8984 (native, 4 µm/px) and the same region enlarged 4x with bicubic interpolation and tagged 1 µm/px (as a
 * 10x scan would be) are analysed on the same tile grid (the enlarged one in 200-pixel tiles brought back to the
 * model's 50) and give close per-tile probabilities; without a pixel size the enlarged image would be analysed at 4x
 * the magnification, on a grid 4x finer.
 */
class MagnificationTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void aSlideWithOneMicronTagsIsAnalysedOnAFourTimesCoarserGridWithCloseProbabilities() {
        ModelCard card = cardAtFourMicrons();
        LoadedModel model = engine.load(card, TestModels.defaultPackage().resolve(ModelCards.MODEL_FILE), card.sha256());
        BufferedImage original = new SafeImageInspector().readWhole(StoredPredictionTest.image("slide/idc-8984-region.png"))
                .getSubimage(400, 300, 600, 400);
        BufferedImage enlarged = enlarge(original, 4);

        ImageInfo nativeInfo = info(original, OptionalDouble.empty());
        ImageInfo enlargedInfo = info(enlarged, OptionalDouble.of(1.0));
        assertThat(PixelSize.resolve(card, nativeInfo, PredictionRequest.auto()).tileSide(card)).isEqualTo(50);
        int tileSide = PixelSize.resolve(card, enlargedInfo, PredictionRequest.auto()).tileSide(card);
        assertThat(tileSide).isEqualTo(200);
        assertThat(PixelSize.resolve(card, info(enlarged, OptionalDouble.empty()), PredictionRequest.auto())
                .tileSide(card)).as("without tags: the model's resolution is assumed").isEqualTo(50);

        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), 40_000_000);
        WholeImagePredictor.Result atNative = predictor.run(inMemory(original, nativeInfo), 50, ProgressListener.NONE);
        WholeImagePredictor.Result resampled = predictor.run(inMemory(enlarged, enlargedInfo), tileSide,
                ProgressListener.NONE);
        assertThat(resampled.columns()).isEqualTo(atNative.columns()).isEqualTo(12);
        assertThat(resampled.rows()).isEqualTo(atNative.rows()).isEqualTo(8);

        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < atNative.grid().length; i++) {
            if (!Float.isNaN(atNative.grid()[i]) && !Float.isNaN(resampled.grid()[i])) {
                differences.add((double) Math.abs(atNative.grid()[i] - resampled.grid()[i]));
            }
        }
        double[] sorted = differences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        System.out.printf("magnification: %d tiles scored at native 4 µm/px and from 4x enlarged 1 µm/px; median |dp| = "
                + "%.4f, 90th percentile %.4f%n", sorted.length, median, sorted[(int) (sorted.length * 0.9)]);
        assertThat(sorted.length).isGreaterThan(60);
        assertThat(median).isLessThanOrEqualTo(0.05);
    }

    @Test
    void tilesAreReadFromTheSmallestPyramidLevelThatStillHoldsTheModelsResolution() {
        List<org.histoscope.images.SlideLevel> levels = List.of(new org.histoscope.images.SlideLevel(0, 40000, 30000, 1),
                new org.histoscope.images.SlideLevel(1, 10000, 7500, 4), new org.histoscope.images.SlideLevel(2, 2500,
                        1875, 16), new org.histoscope.images.SlideLevel(3, 625, 468, 64));
        // a 0.25 µm/px scan for a 4 µm/px model: 800-pixel tiles, exactly 50 pixels at the 16x level
        assertThat(TileFeeder.nearestLevel(levels, 800, 50).index()).isEqualTo(2);
        // 1 µm/px: 200-pixel tiles, 50 at 4x; the 16x level would have to enlarge them
        assertThat(TileFeeder.nearestLevel(levels, 200, 50).index()).isEqualTo(1);
        assertThat(TileFeeder.nearestLevel(levels, 199, 50).index()).isZero();
        assertThat(TileFeeder.nearestLevel(levels, 50, 50).index()).isZero();
    }

    static ModelCard cardAtFourMicrons() {
        Map<String, Object> card = ModelCards.readAsMap(TestModels.defaultPackage().resolve(ModelCards.CARD_FILE));
        card.put("microns_per_pixel", 4.0);
        return ModelCards.fromMap(card);
    }

    static BufferedImage enlarge(BufferedImage image, int factor) {
        BufferedImage out = new BufferedImage(image.getWidth() * factor, image.getHeight() * factor,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(image, 0, 0, out.getWidth(), out.getHeight(), null);
        g.dispose();
        return out;
    }

    private static ImageInfo info(BufferedImage image, OptionalDouble microns) {
        return new ImageInfo(ImageFormat.TIFF, image.getWidth(), image.getHeight(), 1, 0, 8, 3, microns, 1000);
    }

    private static RegionReader inMemory(BufferedImage image, ImageInfo info) {
        return new RegionReader() {
            @Override
            public ImageInfo info() {
                return info;
            }

            @Override
            public BufferedImage readRegion(Rectangle region, int subsampling) {
                BufferedImage copy = new BufferedImage(region.width, region.height, BufferedImage.TYPE_INT_RGB);
                copy.getGraphics().drawImage(image.getSubimage(region.x, region.y, region.width, region.height), 0, 0,
                        null);
                return copy;
            }

            @Override
            public void close() {
            }
        };
    }

}
