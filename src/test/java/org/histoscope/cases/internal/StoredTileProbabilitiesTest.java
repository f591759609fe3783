package org.histoscope.cases.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.histoscope.cases.TileProbabilities;
import org.histoscope.inference.InferenceService;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileGrid;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.StoredResults;
import org.histoscope.testsupport.TinyModelsContext;
import org.histoscope.viewer.ProbabilityGrid;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The viewer's heatmap shows the model's numbers: the tile grid stored with the prediction, bit for bit, not a
 * colour read back from the 8-bit heatmap picture (which is only the fallback for predictions stored before grids).
 */
@WithMockUser(username = "system", roles = Roles.SYSTEM)
class StoredTileProbabilitiesTest extends TinyModelsContext {

    @Autowired
    TileProbabilities tileProbabilities;
    @Autowired
    PredictionService predictions;
    @Autowired
    InferenceService inference;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;

    @Test
    void theViewerGridIsTheStoredGridFloatForFloat() throws Exception {
        StoredPrediction stored = predictAndStore();
        TileGrid grid = ActingAs.user("rita", () -> predictions.tileGrid(stored.id()), Roles.REVIEWER).orElseThrow();
        ProbabilityGrid shown = ActingAs.user("rita", () -> tileProbabilities.of(stored, 2000, 1300), Roles.REVIEWER)
                .orElseThrow();
        assertThat(shown.columns()).isEqualTo(grid.columns());
        assertThat(shown.rows()).isEqualTo(grid.rows());
        assertThat(shown.tileSide()).isEqualTo(grid.tileSize());
        float[] expected = grid.probabilities();
        int exact = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToIntBits(shown.probabilities()[i])).as("tile %d", i)
                    .isEqualTo(Float.floatToIntBits(expected[i]));
            exact += Float.isNaN(expected[i]) ? 0 : 1;
        }
        assertThat(exact).isGreaterThan(100);
    }

    @Test
    void predictionsStoredBeforeGridsFallBackToTheHeatmapPicture() throws Exception {
        StoredPrediction stored = predictAndStore();
        TileGrid grid = ActingAs.user("rita", () -> predictions.tileGrid(stored.id()), Roles.REVIEWER).orElseThrow();
        jdbc.update("DELETE FROM prediction_tile_grid WHERE prediction_id = ?", stored.id());
        ProbabilityGrid shown = ActingAs.user("rita", () -> tileProbabilities.of(stored, 2000, 1300), Roles.REVIEWER)
                .orElseThrow();
        float[] expected = grid.probabilities();
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.isNaN(shown.probabilities()[i])).isEqualTo(Float.isNaN(expected[i]));
            if (!Float.isNaN(expected[i])) {
                worst = Math.max(worst, Math.abs(shown.probabilities()[i] - expected[i]));
            }
        }
        assertThat(worst).isLessThan(0.01);
    }

    private StoredPrediction predictAndStore() throws URISyntaxException {
        Path slide = Path.of(getClass().getResource("/images/slide/idc-8984-region.png").toURI());
        return StoredResults.predictAndStore(inference, predictions, jdbc, transactions, slide,
                PredictionRequest.of(PredictionMode.WHOLE_IMAGE), ProgressListener.NONE);
    }
}
