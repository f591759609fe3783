package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestTimeAugmentationTest {

    /**
     * The 8 views of a 3x3 plane holding 0..8, as printed by training's {@code histoscope_train.data.dihedral(x, k)}
     * (torch 1.13): the Java views must be the very inputs the Python evaluator averages over.
     */
    private static final int[][] TORCH_VIEWS = {
            {0, 1, 2, 3, 4, 5, 6, 7, 8},
            {2, 5, 8, 1, 4, 7, 0, 3, 6},
            {8, 7, 6, 5, 4, 3, 2, 1, 0},
            {6, 3, 0, 7, 4, 1, 8, 5, 2},
            {0, 3, 6, 1, 4, 7, 2, 5, 8},
            {6, 7, 8, 3, 4, 5, 0, 1, 2},
            {8, 5, 2, 7, 4, 1, 6, 3, 0},
            {2, 1, 0, 5, 4, 3, 8, 7, 6}};

    @Test
    void viewsAreTheDihedralTransformsOfTraining() {
        int[][] maps = TestTimeAugmentation.sourceIndexMaps(3);
        for (int k = 0; k < 8; k++) {
            assertThat(maps[k]).as("view %d", k).containsExactly(TORCH_VIEWS[k]);
        }
    }

    @Test
    void cardValuesAreParsedStrictly() {
        assertThat(TestTimeAugmentation.fromCard(null)).isEqualTo(TestTimeAugmentation.NONE);
        assertThat(TestTimeAugmentation.fromCard("none")).isEqualTo(TestTimeAugmentation.NONE);
        assertThat(TestTimeAugmentation.fromCard("dihedral8").views()).isEqualTo(8);
        assertThatThrownBy(() -> TestTimeAugmentation.fromCard("rot4")).hasMessageContaining("rot4");
    }
}
