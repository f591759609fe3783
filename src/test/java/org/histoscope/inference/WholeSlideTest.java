package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Whole-image mode on a real slide: IDC patient 8984 (a test-split patient of the default model, never seen in
 * training) stitched from its patches, each placed at (x-1, y-1) so that the patch grid is the 50-pixel tile grid,
 * white where no patch exists; the fixture is the 2000 x 1300 region at (1000, 900) of that slide holding all 156 IDC
 * patches and 490 non-IDC ones. Run with the default model from models/.
 * Tiles must align with the patch grid, background must be skipped, and the tile probabilities must rank the known
 * patch labels well above chance.
 */
class WholeSlideTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
    private static final SafeImageInspector inspector = new SafeImageInspector();

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void tileProbabilitiesAgreeWithTheKnownPatchLabels() throws Exception {
        Path modelPackage = TestModels.defaultPackage();
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        Path slide = StoredPredictionTest.image("slide/idc-8984-region.png");
        Map<Integer, Integer> labels = labels(StoredPredictionTest.image("slide/idc-8984-region-labels.csv"), 2000);

        WholeImagePredictor.Result result;
        ImageInfo info;
        try (RegionReader reader = inspector.open(slide)) {
            info = reader.info();
            int tileSide = DefaultInferenceService.tileSide(card, info, PredictionRequest.auto());
            assertThat(tileSide).isEqualTo(card.input().width());
            assertThat(DefaultInferenceService.chooseMode(PredictionMode.AUTO, info, card, tileSide))
                    .isEqualTo(PredictionMode.WHOLE_IMAGE);
            result = new WholeImagePredictor(model, engine.settings(), inspector.maxFullDecodePixels())
                    .run(reader, tileSide, ProgressListener.NONE);
        }
        assertThat(result.columns()).isEqualTo((info.width() + 49) / 50);
        assertThat(result.rows()).isEqualTo((info.height() + 49) / 50);

        int tissueWithoutPatch = 0;
        int cellsWithoutPatch = 0;
        List<double[]> scored = new ArrayList<>();
        int patchesSkipped = 0;
        for (int cell = 0; cell < result.grid().length; cell++) {
            float p = result.grid()[cell];
            Integer label = labels.get(cell);
            if (label == null) {
                cellsWithoutPatch++;
                tissueWithoutPatch += Float.isNaN(p) ? 0 : 1;
                continue;
            }
            patchesSkipped += Float.isNaN(p) ? 1 : 0;
            scored.add(new double[] {Float.isNaN(p) ? 0 : p, label});
        }
        double auc = auc(scored);
        TileStatistics statistics = WholeImagePredictor.statistics(result, info, card.threshold());
        System.out.printf("whole slide IDC 8984 region with %s %s: %d x %d tiles, %d tissue tiles, %d of %d patches skipped "
                        + "as background, %d of %d empty cells taken for tissue, positive tiles %d, AUC vs patch labels "
                        + "= %.4f, decode %d ms, infer %d ms%n", card.id(), card.version(), result.columns(),
                result.rows(), statistics.tissueTiles(), patchesSkipped, labels.size(), tissueWithoutPatch,
                cellsWithoutPatch, statistics.positiveTiles(), auc, result.decodeNanos() / 1_000_000,
                result.inferNanos() / 1_000_000);

        assertThat(tissueWithoutPatch).as("empty (white) cells classified").isZero();
        assertThat(patchesSkipped).as("patches skipped as background").isLessThan(labels.size() / 5);
        assertThat(auc).as("AUC of tile probabilities against patch labels").isGreaterThan(0.75);

        byte[] heatmap = WholeImagePredictor.heatmap(result, info, 1024);
        var overlay = ImageIO.read(new ByteArrayInputStream(heatmap));
        var preview = inspector.preview(slide, 1024);
        assertThat(overlay.getWidth()).isEqualTo(preview.getWidth());
        assertThat(overlay.getHeight()).isEqualTo(preview.getHeight());
    }

    /** Cell index (row * columns + column) to label, for the slide's 50-pixel grid. */
    private static Map<Integer, Integer> labels(Path csv, int imageWidth) throws IOException {
        int columns = (imageWidth + 49) / 50;
        Map<Integer, Integer> labels = new HashMap<>();
        for (String line : Files.readAllLines(csv).subList(1, Files.readAllLines(csv).size())) {
            String[] f = line.split(",");
            labels.put(Integer.parseInt(f[1]) * columns + Integer.parseInt(f[0]), Integer.parseInt(f[4]));
        }
        return labels;
    }

    /** Mann-Whitney AUC with ties counted half. */
    static double auc(List<double[]> scoredLabels) {
        List<Double> positives = scoredLabels.stream().filter(s -> s[1] == 1).map(s -> s[0]).toList();
        List<Double> negatives = scoredLabels.stream().filter(s -> s[1] == 0).map(s -> s[0]).toList();
        double wins = 0;
        for (double p : positives) {
            for (double n : negatives) {
                wins += p > n ? 1 : p == n ? 0.5 : 0;
            }
        }
        return wins / ((double) positives.size() * negatives.size());
    }
}
