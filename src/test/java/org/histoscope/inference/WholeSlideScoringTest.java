package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whole-slide scoring on the test patients' stitched slides (the real model's output for each of their patches,
 * {@code scoring/stitched-tile-probabilities.csv}, made by {@link StitchedSlideScoring}; the parameters were chosen
 * on the validation patients only): smoothing does not lose per-tile AUC, and the slide score ranks IDC slides
 * above the clean ones. The file holds model 2.0.0's output, the model the parameters were chosen with; later
 * models are scored by the same tool and reported in benchmark/README.md (with one clean slide per split, their
 * slide-level ranking is too coarse to re-tune on).
 */
class WholeSlideScoringTest {

    private static StitchedSlides slides;

    @BeforeAll
    static void load() throws Exception {
        slides = StitchedSlides.read(Path.of(WholeSlideScoringTest.class
                .getResource("/scoring/stitched-tile-probabilities.csv").toURI()));
    }

    @Test
    void smoothedPerTileAucIsAtLeastTheRawOnTestPatients() {
        List<StitchedSlides.Slide> test = slides.of("test");
        assertThat(test).hasSize(30);
        double raw = StitchedSlides.tileAuc(test, 0);
        double smoothed = StitchedSlides.tileAuc(test, WholeSlideScoring.SIGMA_TILES);
        System.out.printf("per-tile AUC on the test patients' stitched slides: raw %.4f, smoothed %.4f%n", raw, smoothed);
        assertThat(smoothed).isGreaterThanOrEqualTo(raw);
    }

    @Test
    void theSlideScoreRanksIdcSlidesAboveCleanOnesBetterThanTheHighestTile() {
        // the data has one clean patient per split: both are used, since a ranking needs clean slides
        List<StitchedSlides.Slide> all = slides.slides();
        assertThat(all.stream().filter(s -> !s.positive())).hasSize(2);
        double score = StitchedSlides.slideAuc(all, s -> WholeSlideScoring.slideScore(s.probabilities(), s.columns(),
                s.rows()));
        double maxTile = StitchedSlides.slideAuc(all, s -> WholeSlideScoring.topKMean(s.probabilities(), 1));
        System.out.printf("slide AUC, IDC vs clean (val + test): slide score %.4f, max tile %.4f%n", score, maxTile);
        assertThat(score).isGreaterThan(maxTile).isGreaterThanOrEqualTo(0.85);
    }

    @Test
    void smoothingKeepsBackgroundUnscoredAndAveragesOnlyTissue() {
        float nan = Float.NaN;
        float[] grid = {nan, 1f, nan, 0f, 0f, 0f, nan, 0f, nan};
        float[] smoothed = WholeSlideScoring.smooth(grid, 3, 3, 1.0);
        assertThat(smoothed[0]).isNaN();
        assertThat(smoothed[1]).isLessThan(1f).isGreaterThan(0f);
        // an isolated hot tile no longer decides the slide: top-k mean of the smoothed grid is far below 1
        assertThat(WholeSlideScoring.topKMean(smoothed, 1)).isLessThan(0.6);
        assertThat(WholeSlideScoring.topKMean(new float[] {0.2f, 0.9f, nan, 0.5f}, 2)).isCloseTo(0.7, within(1e-6));
    }
}
