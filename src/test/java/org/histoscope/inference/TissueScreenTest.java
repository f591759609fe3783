package org.histoscope.inference;

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
            float[] expected = everyTile.grid();
            float[] actual = screened.grid();
            int tissue = 0;
            for (int i = 0; i < expected.length; i++) {
                assertThat(Float.isNaN(actual[i])).as("tile %d is tissue", i).isEqualTo(Float.isNaN(expected[i]));
                if (!Float.isNaN(expected[i])) {
                    tissue++;
                    assertThat(actual[i]).as("tile %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
            assertThat(tissue).isGreaterThan(500);
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
