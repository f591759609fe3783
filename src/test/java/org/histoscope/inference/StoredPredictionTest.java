package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;

/** Predictions stored with their audit event on real PostgreSQL, with the tiny model active. */
class StoredPredictionTest extends TinyModelsContext {

    private static final long CASE_ID = 41;

    @Autowired
    PredictionService predictions;
    @Autowired
    InferenceService inference;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HealthIndicator inferenceHealthIndicator;

    @Test
    void patchPredictionIsStoredWithExplanationAndAudited() throws Exception {
        long imageId = 1001;
        List<Double> progress = new ArrayList<>();
        StoredPrediction stored = predictions.predictAndStore(CASE_ID, imageId,
                image("idc/8951_idx5_x1201_y901_class1.png"), PredictionRequest.auto(), "dr.who", progress::add);

        assertThat(stored.mode()).isEqualTo(PredictionMode.PATCH);
        assertThat(stored.modelId()).isEqualTo("tiny-test-model");
        // the tiny model's PyTorch probability for this reference patch, from its reference CSV
        assertThat(stored.probability()).isCloseTo(referenceProbability("8951_idx5_x1201_y901_class1.png"),
                org.assertj.core.data.Offset.offset(1e-4));
        assertThat(stored.classProbabilities()).containsKeys("cancer", "non-cancer");
        assertThat(stored.label()).isEqualTo(stored.positive() ? "cancer" : "non-cancer");
        assertThat(stored.device()).startsWith(inference.device().name());
        assertThat(stored.createdBy()).isEqualTo("dr.who");
        assertThat(stored.hasExplanation()).isTrue();
        assertThat(stored.hasHeatmap()).isFalse();
        assertThat(progress).last().isEqualTo(1.0);

        byte[] explanation = predictions.explanationPng(stored.id()).orElseThrow();
        var overlay = ImageIO.read(new ByteArrayInputStream(explanation));
        assertThat(overlay.getWidth()).isEqualTo(50 * 4);
        assertThat(overlay.getColorModel().hasAlpha()).isTrue();

        assertThat(predictions.forImage(imageId)).extracting(StoredPrediction::id).containsExactly(stored.id());
        assertThat(predictions.find(stored.id())).contains(stored);
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'PREDICTION_STORED' "
                + "and case_id = ? and target_id = ?", Integer.class, CASE_ID, String.valueOf(stored.id()))).isEqualTo(1);
    }

    @Test
    void wholeImagePredictionHasTileStatisticsAndAHeatmap() throws Exception {
        List<Double> progress = new ArrayList<>();
        StoredPrediction stored = predictions.predictAndStore(CASE_ID, 1002,
                image("pcam/01788bbb441f2d8d07d154aae2b44979f7b0e620.tif"),
                PredictionRequest.of(PredictionMode.WHOLE_IMAGE), "dr.who", progress::add);
        assertThat(progress).hasSizeGreaterThanOrEqualTo(3).isSorted().last().isEqualTo(1.0);
        assertThat(stored.mode()).isEqualTo(PredictionMode.WHOLE_IMAGE);
        TileStatistics tiles = stored.tileStatistics();
        assertThat(tiles.columns()).isEqualTo(2);
        assertThat(tiles.rows()).isEqualTo(2);
        assertThat(tiles.tilesTotal()).isEqualTo(4);
        assertThat(tiles.tissueTiles()).isBetween(1, 4);
        assertThat(tiles.topTiles()).isNotEmpty();
        // the slide probability is the whole-slide score of the tile grid (all its tissue tiles are among the top 10)
        float[] grid = new float[4];
        java.util.Arrays.fill(grid, Float.NaN);
        for (TileScore tile : tiles.topTiles()) {
            grid[tile.y() / tiles.tileSizePixels() * 2 + tile.x() / tiles.tileSizePixels()] = (float) tile.probability();
        }
        assertThat(stored.probability()).isCloseTo(WholeSlideScoring.slideScore(grid, 2, 2),
                org.assertj.core.api.Assertions.within(1e-6));
        byte[] heatmap = predictions.heatmapPng(stored.id()).orElseThrow();
        assertThat(ImageIO.read(new ByteArrayInputStream(heatmap)).getWidth()).isEqualTo(96);
    }

    @Test
    void rejectedImageStoresNothing(@TempDir Path dir) throws IOException {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        Integer before = jdbc.queryForObject("select count(*) from prediction", Integer.class);
        assertThatThrownBy(() -> predictions.predictAndStore(CASE_ID, 1003, empty, PredictionRequest.auto(), "dr.who",
                ProgressListener.NONE)).isInstanceOf(ImageRejectedException.class);
        assertThat(jdbc.queryForObject("select count(*) from prediction", Integer.class)).isEqualTo(before);
        assertThat(predictions.forImage(1003)).isEmpty();
    }

    @Test
    void unknownModelIsAClearFailure() {
        assertThatThrownBy(() -> inference.predict(image("idc/8951_idx5_x1001_y1351_class0.png"),
                PredictionRequest.auto().withModel(987654), ProgressListener.NONE))
                .isInstanceOf(PredictionFailedException.class).hasMessageContaining("987654");
    }

    @Test
    void healthShowsTheDeviceAndTheActiveModel() {
        Health health = inferenceHealthIndicator.health();
        assertThat(health.getDetails()).containsKeys("device", "reason", "activeModel");
        assertThat(health.getDetails().get("device")).isEqualTo(inference.device().name());
    }

    static Path image(String name) {
        try {
            return Path.of(StoredPredictionTest.class.getResource("/images/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double referenceProbability(String file) throws IOException {
        return Files.readAllLines(fixture("tiny-test-model").resolve("reference/probabilities.csv")).stream()
                .filter(l -> l.startsWith(file + ",")).map(l -> Double.parseDouble(l.split(",")[1])).findFirst()
                .orElseThrow();
    }
}
