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
import org.histoscope.images.SlideLevel;
import org.histoscope.inference.internal.PixelSize;
import org.histoscope.inference.internal.TileFeeder;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
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

    private LoadedModel load(ModelCard card) {
        return engine.load(card, TestModels.defaultPackage().resolve(ModelCards.MODEL_FILE), card.sha256());
    }

    /** A 600 x 400 region of the stitched IDC slide of patient 8984 (native resolution), tissue with and without IDC. */
    private static BufferedImage slideRegion() {
        return new SafeImageInspector().readWhole(StoredPredictionTest.image("slide/idc-8984-region.png"))
                .getSubimage(400, 300, 600, 400);
    }

    @Test
    void aSlideWithOneMicronTagsIsAnalysedOnAFourTimesCoarserGridWithCloseProbabilities() {
        ModelCard card = cardAtFourMicrons();
        LoadedModel model = load(card);
        BufferedImage original = slideRegion();
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
    void tilesAreReadFromTheSmallestPyramidLevelWithTwiceTheModelsResolution() {
        List<SlideLevel> levels = List.of(new SlideLevel(0, 40000, 30000, 1), new SlideLevel(1, 10000, 7500, 4),
                new SlideLevel(2, 2500, 1875, 16), new SlideLevel(3, 625, 468, 64));
        // a 0.25 µm/px scan (SVS-like 4x steps) for a 4 µm/px model: 800-pixel tiles, 200 at the 4x level; the 16x
        // level would hold them at exactly the model's 50 pixels, its own reduction and compression and all
        assertThat(TileFeeder.nearestLevel(levels, 800, 50).index()).isEqualTo(1);
        // 1 µm/px: 200-pixel tiles would be 50 at the 4x level: averaged down from full resolution instead
        assertThat(TileFeeder.nearestLevel(levels, 200, 50).index()).isZero();
        assertThat(TileFeeder.nearestLevel(levels, 50, 50).index()).isZero();
        List<SlideLevel> halving = List.of(new SlideLevel(0, 52000, 37600, 1), new SlideLevel(1, 26000, 18800, 2),
                new SlideLevel(2, 13000, 9400, 4), new SlideLevel(3, 6500, 4700, 8), new SlideLevel(4, 3250, 2350, 16));
        // a libvips pyramid (2x steps) of a 16x enlarged slide: the 1/8 level, 100 pixels a tile, averaged 2x2
        assertThat(TileFeeder.nearestLevel(halving, 800, 50).index()).isEqualTo(3);
        assertThat(TileFeeder.nearestLevel(halving, 799, 50).index()).isEqualTo(2);
    }

    /**
     * A pyramid whose level at exactly the model's resolution is degraded (here: greyscale, as an extreme stand-in for
     * the JPEG blocks and half-resolution colour of a real scanner's or libvips' reduced level) is read from its finer
     * level and averaged down: the probabilities stay those of the native slide and the degraded level is never read
     * for tiles.
     */
    @Test
    void aPyramidIsReadFromAFinerLevelAndAveragedDownNotFromTheLevelAtTheModelsResolution() {
        ModelCard card = cardAtFourMicrons();
        LoadedModel model = load(card);
        BufferedImage original = slideRegion();
        BufferedImage enlarged = enlarge(original, 4);
        BufferedImage half = shrink(enlarged, 2);
        BufferedImage degradedQuarter = greyscale(shrink(enlarged, 4));
        List<Integer> levelsRead = new ArrayList<>();
        ImageInfo info = info(enlarged, OptionalDouble.of(1.0));
        RegionReader pyramid = new PyramidReader(info, List.of(enlarged, half, degradedQuarter), levelsRead);
        int tileSide = PixelSize.resolve(card, info, PredictionRequest.auto()).tileSide(card);
        assertThat(tileSide).isEqualTo(200);

        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), 40_000_000);
        WholeImagePredictor.Result atNative = predictor.run(inMemory(original, info(original, OptionalDouble.empty())),
                50, ProgressListener.NONE);
        WholeImagePredictor.Result fromPyramid = predictor.run(pyramid, tileSide, ProgressListener.NONE);

        assertThat(levelsRead).as("levels read for tiles").isNotEmpty().containsOnly(1);
        double[] sorted = absoluteDifferences(atNative, fromPyramid);
        assertThat(sorted.length).isGreaterThan(60);
        assertThat(sorted[sorted.length / 2]).as("median |dp| to the native slide").isLessThanOrEqualTo(0.05);
    }

    private static double[] absoluteDifferences(WholeImagePredictor.Result a, WholeImagePredictor.Result b) {
        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < a.grid().length; i++) {
            if (!Float.isNaN(a.grid()[i]) && !Float.isNaN(b.grid()[i])) {
                differences.add((double) Math.abs(a.grid()[i] - b.grid()[i]));
            }
        }
        return differences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** Box (area) average of {@code factor} x {@code factor} blocks, as pyramid writers reduce their levels. */
    private static BufferedImage shrink(BufferedImage image, int factor) {
        BufferedImage out = new BufferedImage(image.getWidth() / factor, image.getHeight() / factor,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int r = 0;
                int g = 0;
                int b = 0;
                for (int dy = 0; dy < factor; dy++) {
                    for (int dx = 0; dx < factor; dx++) {
                        int rgb = image.getRGB(x * factor + dx, y * factor + dy);
                        r += (rgb >> 16) & 0xFF;
                        g += (rgb >> 8) & 0xFF;
                        b += rgb & 0xFF;
                    }
                }
                int n = factor * factor;
                out.setRGB(x, y, (r / n) << 16 | (g / n) << 8 | b / n);
            }
        }
        return out;
    }

    private static BufferedImage greyscale(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int grey = (((rgb >> 16) & 0xFF) * 299 + ((rgb >> 8) & 0xFF) * 587 + (rgb & 0xFF) * 114) / 1000;
                out.setRGB(x, y, grey << 16 | grey << 8 | grey);
            }
        }
        return out;
    }

    /** An in-memory pyramid with 2x steps that notes which level each read of a smaller level came from. */
    private static final class PyramidReader implements RegionReader {
        private final ImageInfo info;
        private final List<BufferedImage> levels;
        private final List<Integer> levelsRead;

        PyramidReader(ImageInfo info, List<BufferedImage> levels, List<Integer> levelsRead) {
            this.info = info;
            this.levels = levels;
            this.levelsRead = levelsRead;
        }

        @Override
        public ImageInfo info() {
            return info;
        }

        @Override
        public List<SlideLevel> levels() {
            List<SlideLevel> out = new ArrayList<>();
            for (int i = 0; i < levels.size(); i++) {
                out.add(new SlideLevel(i, levels.get(i).getWidth(), levels.get(i).getHeight(), 1 << i));
            }
            return out;
        }

        @Override
        public BufferedImage readRegion(Rectangle region, int subsampling) {
            return readLevelRegion(0, region, subsampling);
        }

        @Override
        public BufferedImage readLevelRegion(int level, Rectangle region, int subsampling) {
            if (level > 0) {
                levelsRead.add(level);
            }
            return copy(levels.get(level), region);
        }

        @Override
        public void close() {
        }
    }

    private static BufferedImage copy(BufferedImage image, Rectangle region) {
        BufferedImage copy = new BufferedImage(region.width, region.height, BufferedImage.TYPE_INT_RGB);
        copy.getGraphics().drawImage(image.getSubimage(region.x, region.y, region.width, region.height), 0, 0, null);
        return copy;
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
                return copy(image, region);
            }

            @Override
            public void close() {
            }
        };
    }

}
