package org.histoscope.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.OperatingPointsAndGuardTest;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.StoredPredictionTest;
import org.histoscope.inference.TestModels;
import org.histoscope.inference.TileGrid;
import org.histoscope.inference.TileStatistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slide QC on the stitched fixture of patient 8984 (2000 x 1300 pixels, 50-pixel tiles at the model's resolution)
 * with synthetic defects: a Gaussian-blurred block and a blue pen stroke. Their tiles are flagged and left out of the
 * slide score; the untouched tissue is almost never flagged.
 */
public class SlideQcTest {

    /** The blurred block, in tiles: columns 4-11, rows 4-11 (400 x 400 pixels). */
    private static final int BLUR_FROM = 4;
    private static final int BLUR_TO = 12;
    /** The pen stroke: a horizontal line 30 pixels thick through tile row 20 (y 1000-1050), across the image. */
    private static final int PEN_ROW = 20;

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
    private static BufferedImage clean;

    @BeforeAll
    static void read() throws Exception {
        clean = OperatingPointsAndGuardTest.rgb(ImageIO.read(StoredPredictionTest.image("slide/idc-8984-region.png")
                .toFile()));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void cleanTissueTilesAreAlmostNeverFlagged() {
        int[] counts = flagCounts(clean, 0, 0, clean.getWidth() / 50, clean.getHeight() / 50);
        System.out.printf("slide QC on the clean fixture: %d of %d tissue tiles flagged%n", counts[1], counts[0]);
        assertThat(counts[0]).isGreaterThan(400);
        assertThat(counts[1]).isLessThanOrEqualTo(counts[0] / 50);
    }

    @Test
    void aBlurredRegionAndAPenStrokeAreFlagged() {
        BufferedImage defects = withDefects(clean);
        int[] blurred = flagCounts(defects, BLUR_FROM, BLUR_FROM, BLUR_TO, BLUR_TO, TileFlags.BLURRED);
        int[] inked = flagCounts(defects, 0, PEN_ROW, defects.getWidth() / 50, PEN_ROW + 1, TileFlags.PEN_INK);
        System.out.printf("slide QC: %d of %d tissue tiles of the blurred block flagged blurred, %d of %d tiles under"
                + " the pen stroke flagged as ink%n", blurred[1], blurred[0], inked[1], inked[0]);
        assertThat(blurred[0]).isGreaterThan(10);
        assertThat(blurred[1]).isGreaterThanOrEqualTo(blurred[0] * 9 / 10);
        assertThat(inked[0]).isGreaterThan(10);
        assertThat(inked[1]).isGreaterThanOrEqualTo(inked[0] * 9 / 10);
    }

    @Test
    void flaggedTilesAreCountedAndLeftOutOfTheSlideScore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("defects.png");
        ImageIO.write(withDefects(clean), "png", file.toFile());
        ModelCard card = ModelCards.read(TestModels.tinyPackage().resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, TestModels.tinyPackage().resolve(ModelCards.MODEL_FILE), card.sha256());
        SafeImageInspector inspector = new SafeImageInspector();
        WholeImagePredictor.Result result;
        ImageInfo info;
        try (RegionReader reader = inspector.open(file)) {
            info = reader.info();
            result = new WholeImagePredictor(model, engine.settings(), inspector.maxFullDecodePixels())
                    .run(reader, 50, ProgressListener.NONE);
        }
        TileStatistics stats = WholeImagePredictor.statistics(result, info, card.threshold(), 0.5);
        int flagged = 0;
        float[] usable = result.usableGrid();
        for (int i = 0; i < usable.length; i++) {
            boolean tissue = !Float.isNaN(result.grid()[i]);
            boolean ok = TileFlags.usable(result.flags()[i]);
            flagged += tissue && !ok ? 1 : 0;
            assertThat(Float.isNaN(usable[i])).isEqualTo(!tissue || !ok);
        }
        System.out.printf("defect fixture: %d tissue tiles, %d blurred, %d inked, %d dark/bright, usable %.3f%n",
                stats.tissueTiles(), stats.blurredTiles(), stats.penInkTiles(), stats.darkOrBrightTiles(),
                stats.usableShare());
        assertThat(stats.blurredTiles()).isGreaterThan(10);
        assertThat(stats.penInkTiles()).isGreaterThan(10);
        assertThat(stats.usableShare()).isCloseTo(1 - (double) flagged / stats.tissueTiles(),
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(stats.notAssessable()).isFalse();
        assertThat(WholeImagePredictor.statistics(result, info, card.threshold(), 0.999).notAssessable()).isTrue();
        // the tile grid that is stored keeps the flags, and its usable view is what the slide score reads
        TileGrid grid = new TileGrid(info.width(), info.height(), 0, 0, 50, 50, result.columns(), result.rows(),
                result.grid(), result.flags(), null);
        assertThat(grid.usableProbabilities()).containsExactly(usable);
        assertThat(grid.flaggedTiles(TileFlags.QC_FAILED)).isEqualTo(flagged);
        assertThat(TileGridCodec.decodeFlags(TileGridCodec.encodeFlags(grid.flags()), grid.flags().length))
                .containsExactly(grid.flags());
    }

    /** The image with a Gaussian-blurred block (tiles 4-11 x 4-11) and a 30 px blue pen stroke through tile row 20. */
    public static BufferedImage withDefects(BufferedImage source) {
        BufferedImage copy = OperatingPointsAndGuardTest.rgb(source);
        int from = BLUR_FROM * 50;
        int side = (BLUR_TO - BLUR_FROM) * 50;
        BufferedImage block = copy.getSubimage(from - 10, from - 10, side + 20, side + 20);
        BufferedImage blurred = gaussian(gaussian(OperatingPointsAndGuardTest.rgb(block)));
        copy.getGraphics().drawImage(blurred.getSubimage(10, 10, side, side), from, from, null);
        Graphics2D g = copy.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(30, 60, 200));
        g.setStroke(new BasicStroke(30));
        g.drawLine(0, PEN_ROW * 50 + 25, copy.getWidth(), PEN_ROW * 50 + 25);
        g.dispose();
        return copy;
    }

    /** A Gaussian blur of sigma 2 px (kernel 13 x 13). */
    private static BufferedImage gaussian(BufferedImage image) {
        int radius = 6;
        float[] kernel = new float[(2 * radius + 1) * (2 * radius + 1)];
        float sum = 0;
        for (int y = -radius; y <= radius; y++) {
            for (int x = -radius; x <= radius; x++) {
                float w = (float) Math.exp(-(x * x + y * y) / 8.0);
                kernel[(y + radius) * (2 * radius + 1) + x + radius] = w;
                sum += w;
            }
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= sum;
        }
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        return new ConvolveOp(new Kernel(2 * radius + 1, 2 * radius + 1, kernel), ConvolveOp.EDGE_NO_OP, null)
                .filter(image, out);
    }

    /** {tissue tiles, tiles with any of {@code mask}} in the tile rectangle [c0, c1) x [r0, r1). */
    private static int[] flagCounts(BufferedImage image, int c0, int r0, int c1, int r1, byte mask) {
        TissueDetector tissue = new TissueDetector(InferenceSettings.DEFAULT.tissueMinFraction());
        int[] counts = new int[2];
        for (int r = r0; r < r1; r++) {
            for (int c = c0; c < c1; c++) {
                if (!tissue.isTissue(image, c * 50, r * 50, 50, 50)) {
                    continue;
                }
                counts[0]++;
                counts[1] += (SlideQc.check(image, c * 50, r * 50, 50) & mask) != 0 ? 1 : 0;
            }
        }
        return counts;
    }

    private static int[] flagCounts(BufferedImage image, int c0, int r0, int c1, int r1) {
        return flagCounts(image, c0, r0, c1, r1, TileFlags.QC_FAILED);
    }
}
