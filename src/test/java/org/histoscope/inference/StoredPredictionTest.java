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
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.RealRows;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Predictions stored with their audit event on real PostgreSQL, with the tiny model active, for real case, image and
 * job rows; inference runs outside any transaction and the result is stored inside the caller's.
 */
@WithMockUser(username = "system", roles = Roles.SYSTEM) // as the job runner: only it infers and stores
public class StoredPredictionTest extends TinyModelsContext {

    @Autowired
    PredictionService predictions;
    @Autowired
    InferenceService inference;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    HealthIndicator inferenceHealthIndicator;
    @Autowired
    TransactionTemplate transactions;

    StoredPrediction predictAndStore(Path file, PredictionRequest request, ProgressListener progress) {
        return org.histoscope.testsupport.StoredResults.predictAndStore(inference, predictions, jdbc, transactions, file,
                request, progress);
    }

    @Test
    void patchPredictionIsStoredWithExplanationAndAudited() throws Exception {
        List<Double> progress = new ArrayList<>();
        StoredPrediction stored = predictAndStore(image("idc/8951_idx5_x1201_y901_class1.png"), PredictionRequest.auto(),
                progress::add);
        long imageId = stored.imageId();

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
                + "and case_id = ? and target_id = ?", Integer.class, stored.caseId(), String.valueOf(stored.id()))).isEqualTo(1);
    }

    @Test
    void wholeImagePredictionHasTileStatisticsAndAHeatmap() throws Exception {
        List<Double> progress = new ArrayList<>();
        StoredPrediction stored = predictAndStore(image("pcam/01788bbb441f2d8d07d154aae2b44979f7b0e620.tif"),
                PredictionRequest.of(PredictionMode.WHOLE_IMAGE), progress::add);
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

    /** The per-tile probabilities are stored losslessly with their geometry and read back through the service. */
    @Test
    void wholeImagePredictionKeepsEveryTileProbabilityWithItsGeometry() {
        Path slide = image("slide/idc-8984-region.png");
        StoredPrediction stored = predictAndStore(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE),
                ProgressListener.NONE);
        TileGrid grid = ActingAs.user("rita", () -> predictions.tileGrid(stored.id()), Roles.REVIEWER).orElseThrow();
        TileStatistics statistics = stored.tileStatistics();
        assertThat(grid.columns()).isEqualTo(statistics.columns()).isEqualTo(40);
        assertThat(grid.rows()).isEqualTo(statistics.rows()).isEqualTo(26);
        assertThat(grid.tileSize()).isEqualTo(statistics.tileSizePixels()).isEqualTo(grid.stride());
        assertThat(grid.imageWidth()).isEqualTo(2000);
        assertThat(grid.imageHeight()).isEqualTo(1300);
        assertThat(grid.probabilities()).hasSize(40 * 26);
        assertThat(grid.tissueTiles()).isEqualTo(statistics.tissueTiles()).isLessThan(40 * 26);
        int positive = 0;
        for (float p : grid.probabilities()) {
            positive += !Float.isNaN(p) && p >= stored.threshold() ? 1 : 0;
        }
        assertThat(positive).isEqualTo(statistics.positiveTiles());
        for (TileScore top : statistics.topTiles()) {
            // the stored float is the model's number, bit for bit
            assertThat(grid.probabilityAt(top.x() + 3, top.y() + 7)).hasValue((double) (float) top.probability());
            assertThat(grid.probability(top.x() / grid.stride(), top.y() / grid.stride()))
                    .isEqualTo((float) top.probability());
        }
        int background = java.util.stream.IntStream.range(0, 40 * 26).filter(i -> !grid.tissueMask()[i]).findFirst()
                .orElseThrow();
        assertThat(grid.probabilityAt((background % 40) * 50L, (background / 40) * 50L)).isEmpty();
        assertThat(grid.probabilityAt(2000, 0)).isEmpty();

        // exactly what inference computes, NaN for background included
        PredictionOutcome again = inference.predict(slide, PredictionRequest.of(PredictionMode.WHOLE_IMAGE),
                ProgressListener.NONE);
        assertThat(grid).isEqualTo(again.tileGrid());
    }

    @Test
    void onlyCaseRolesReadTileGrids() {
        assertThatThrownBy(() -> ActingAs.user("nobody", () -> predictions.tileGrid(1)))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(ActingAs.user("patty", () -> predictions.tileGrid(987_654), Roles.PATHOLOGIST)).isEmpty();
    }

    @Test
    void patchPredictionsHaveNoTileGrid() {
        StoredPrediction stored = predictAndStore(image("idc/8951_idx5_x1001_y1351_class0.png"),
                PredictionRequest.auto(), ProgressListener.NONE);
        assertThat(ActingAs.user("patty", () -> predictions.tileGrid(stored.id()), Roles.PATHOLOGIST)).isEmpty();
    }

    @Test
    void rejectedImageStoresNothing(@TempDir Path dir) throws IOException {
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);
        Integer before = jdbc.queryForObject("select count(*) from prediction", Integer.class);
        assertThatThrownBy(() -> predictAndStore(empty, PredictionRequest.auto(), ProgressListener.NONE))
                .isInstanceOf(ImageRejectedException.class);
        assertThat(jdbc.queryForObject("select count(*) from prediction", Integer.class)).isEqualTo(before);
    }

    @Test
    void onlyTheJobRunnerStoresResults() {
        PredictionOutcome outcome = inference.predict(image("idc/8951_idx5_x1001_y1351_class0.png"),
                PredictionRequest.auto(), ProgressListener.NONE);
        long caseId = RealRows.patientCase(jdbc, "SP-ROLE");
        long imageId = RealRows.image(jdbc, caseId, "x.png");
        long jobId = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        for (String role : List.of(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN)) {
            assertThatThrownBy(() -> ActingAs.user("patty", () -> transactions.execute(
                    tx -> predictions.store(caseId, imageId, jobId, outcome, "patty")), role))
                    .isInstanceOf(AccessDeniedException.class);
        }
        assertThat(predictions.forImage(imageId)).isEmpty();
    }

    @Test
    void aResultIsStoredOnlyInsideTheCallersTransaction() {
        PredictionOutcome outcome = inference.predict(image("idc/8951_idx5_x1001_y1351_class0.png"),
                PredictionRequest.auto(), ProgressListener.NONE);
        long caseId = RealRows.patientCase(jdbc, "SP-TX");
        long imageId = RealRows.image(jdbc, caseId, "x.png");
        long jobId = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        assertThatThrownBy(() -> predictions.store(caseId, imageId, jobId, outcome, "dr.who"))
                .isInstanceOf(org.springframework.transaction.IllegalTransactionStateException.class);
        assertThat(predictions.forImage(imageId)).isEmpty();
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

    public static Path image(String name) {
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
