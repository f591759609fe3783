package org.histoscope.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.histoscope.images.ImageLimits;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.images.fixtures.SlideFixtures;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.StoredPredictionTest;
import org.histoscope.inference.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tissue screen only saves work, never changes a result: on a real slide (IDC patient 8984, the 2000 x 1300
 * region, on a 4000 x 3000 glass with a black scanner margin and a pen line), written as a scanner-like JPEG pyramid
 * with averaged levels and as a single-level tiled file, every tile the exact detector calls tissue at full
 * resolution is a candidate, most glass is not, and the whole-image prediction with screening gives the same grid as
 * decoding every tile.
 */
class TissueScreenTest {

    private static final int TILE = 50;
    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);

    @TempDir
    static Path folder;
    static Path pyramid;
    static Path singleLevel;

    @BeforeAll
    static void writeSlides() throws IOException {
        BufferedImage region = new SafeImageInspector().readWhole(StoredPredictionTest.image("slide/idc-8984-region.png"));
        BufferedImage slide = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = slide.createGraphics();
        g.setColor(new Color(0xF2F1F0));
        g.fillRect(0, 0, 4000, 3000);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, 60, 3000);
        g.setColor(new Color(0x1030C0));
        g.fillRect(300, 2600, 3000, 12);
        g.drawImage(region, 1030, 910, null); // off the tile grid, so tissue edges cut tiles
        g.dispose();
        pyramid = folder.resolve("slide.svs");
        singleLevel = folder.resolve("single-level.svs");
        SlideFixtures.writeJpegPyramid(pyramid, slide, 4, 16);
        SlideFixtures.writeJpegPyramid(singleLevel, slide);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void everyTissueTileIsACandidateOnAnAveragedPyramidLevel() {
        Coverage coverage = coverage(pyramid);
        System.out.println("pyramid: " + coverage);
        assertThat(coverage.source).isEqualTo("pyramid level 2 (1/16)");
        assertThat(coverage.missed).isZero();
        assertThat(coverage.tissue).isGreaterThan(500);
        assertThat(coverage.prunedBackgroundShare()).isGreaterThan(0.6);
    }

    @Test
    void everyTissueTileIsACandidateInTheThumbnailPass() {
        Coverage coverage = coverage(singleLevel);
        System.out.println("single level: " + coverage);
        assertThat(coverage.source).isEqualTo("thumbnail pass (every 10th pixel)");
        assertThat(coverage.missed).isZero();
        assertThat(coverage.prunedBackgroundShare()).isGreaterThan(0.9);
    }

    @Test
    void screeningGivesTheSameTileProbabilitiesAsDecodingEveryTile() throws IOException {
        Path modelPackage = TestModels.defaultPackage();
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        WholeImagePredictor.Result everyTile = predict(model, pyramid, Long.MAX_VALUE);
        assertThat(everyTile.screen()).isEqualTo("every tile decoded");
        for (Path file : new Path[] {pyramid, singleLevel}) {
            WholeImagePredictor.Result screened = predict(model, file, 4_000_000);
            assertThat(screened.screen()).isNotEqualTo("every tile decoded");
            assertSameGrid(screened.grid(), everyTile.grid());
            int tissue = 0;
            for (float p : everyTile.grid()) {
                tissue += Float.isNaN(p) ? 0 : 1;
            }
            assertThat(tissue).isGreaterThan(500);
        }
    }

    /**
     * The smallest tissue a tile can hold: a 28 x 28 island of real tissue (784 pixels, the detector needs 625 of a
     * 50 x 50 tile) alone on empty glass, placed so that it lies inside one tile but off the level's pixel grid and
     * between the thumbnail pass's sample lines at its edges. Both screens must still send that tile to the model.
     */
    @Test
    void aSmallTissueIslandOnEmptyGlassIsStillScored() throws IOException {
        BufferedImage region = new SafeImageInspector().readWhole(StoredPredictionTest.image("slide/idc-8984-region.png"));
        BufferedImage island = densestSquare(region, ISLAND);
        BufferedImage slide = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = slide.createGraphics();
        g.setColor(new Color(0xF2F1F0));
        g.fillRect(0, 0, 4000, 3000);
        int[][] places = {{2011, 1511}, {3005, 1021}};
        for (int[] place : places) {
            g.drawImage(island, place[0], place[1], null);
        }
        g.dispose();
        Path islandPyramid = folder.resolve("island.svs");
        Path islandSingleLevel = folder.resolve("island-single-level.svs");
        SlideFixtures.writeJpegPyramid(islandPyramid, slide, 4, 16);
        SlideFixtures.writeJpegPyramid(islandSingleLevel, slide);
        Path modelPackage = TestModels.defaultPackage();
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        for (Path file : new Path[] {islandPyramid, islandSingleLevel}) {
            WholeImagePredictor.Result everyTile = predict(model, file, Long.MAX_VALUE);
            WholeImagePredictor.Result screened = predict(model, file, 4_000_000);
            assertThat(screened.screen()).isNotEqualTo("every tile decoded");
            for (int[] place : places) {
                int tile = (place[1] / TILE) * everyTile.columns() + place[0] / TILE;
                assertThat(everyTile.grid()[tile]).as("island at %d,%d is tissue", place[0], place[1]).isNotNaN();
            }
            assertSameGrid(screened.grid(), everyTile.grid());
        }
    }

    private static final int ISLAND = 28;

    /** The square of the region with the most tissue pixels, so that the island is tissue through and through. */
    private static BufferedImage densestSquare(BufferedImage region, int side) {
        int bestX = 0;
        int bestY = 0;
        int best = -1;
        for (int y = 0; y + side <= region.getHeight(); y += side / 2) {
            for (int x = 0; x + side <= region.getWidth(); x += side / 2) {
                int tissue = 0;
                for (int dy = 0; dy < side; dy++) {
                    for (int dx = 0; dx < side; dx++) {
                        tissue += TissueDetector.isTissuePixel(region.getRGB(x + dx, y + dy)) ? 1 : 0;
                    }
                }
                if (tissue > best) {
                    best = tissue;
                    bestX = x;
                    bestY = y;
                }
            }
        }
        BufferedImage square = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        square.getGraphics().drawImage(region.getSubimage(bestX, bestY, side, side), 0, 0, null);
        return square;
    }

    private static void assertSameGrid(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.isNaN(actual[i])).as("tile %d is tissue", i).isEqualTo(Float.isNaN(expected[i]));
            if (!Float.isNaN(expected[i])) {
                assertThat(actual[i]).as("tile %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    private static WholeImagePredictor.Result predict(LoadedModel model, Path file, long maxFullDecodePixels) {
        SafeImageInspector inspector = new SafeImageInspector(new ImageLimits(null, null, null, maxFullDecodePixels));
        try (RegionReader reader = inspector.open(file)) {
            return new WholeImagePredictor(model, engine.settings(), maxFullDecodePixels)
                    .run(reader, TILE, ProgressListener.NONE);
        }
    }

    record Coverage(String source, int tiles, int tissue, int candidates, int missed) {
        /** Background tiles the screen kept from being decoded at full resolution. */
        double prunedBackgroundShare() {
            return (double) (tiles - candidates) / (tiles - tissue);
        }
    }

    /** Exact tissue tiles from a full-resolution read of level 0, against the screen's candidates. */
    private static Coverage coverage(Path file) {
        try (RegionReader reader = new SafeImageInspector().open(file)) {
            int width = reader.info().width();
            int height = reader.info().height();
            int columns = (width + TILE - 1) / TILE;
            int rows = (height + TILE - 1) / TILE;
            TissueScreen screen = new TissueScreen(reader, TILE, columns, rows);
            boolean[] candidates = screen.candidates(0, rows);
            BufferedImage full = reader.readRegion(new Rectangle(0, 0, width, height), 1);
            TissueDetector detector = new TissueDetector(InferenceSettings.DEFAULT.tissueMinFraction());
            int tissue = 0;
            int marked = 0;
            int missed = 0;
            for (int i = 0; i < candidates.length; i++) {
                boolean isTissue = detector.isTissue(full, (i % columns) * TILE, (i / columns) * TILE, TILE, TILE);
                tissue += isTissue ? 1 : 0;
                marked += candidates[i] ? 1 : 0;
                missed += isTissue && !candidates[i] ? 1 : 0;
            }
            return new Coverage(screen.source().describe(), candidates.length, tissue, marked, missed);
        }
    }
}
