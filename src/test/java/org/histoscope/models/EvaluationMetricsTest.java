package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.histoscope.models.internal.EvaluationCharts;

class EvaluationMetricsTest {

    @Test
    void metricsAtTheThresholdAucRocAndSuggestedThreshold() {
        double[] p = {0.9, 0.8, 0.7, 0.6, 0.55, 0.4, 0.3, 0.2};
        boolean[] y = {true, true, false, true, false, false, true, false};
        EvaluationMetrics m = EvaluationMetrics.compute(p, y, 0.5, 0.75);
        assertThat(m.n()).isEqualTo(8);
        assertThat(m.positives()).isEqualTo(4);
        assertThat(m.truePositives()).isEqualTo(3);
        assertThat(m.falsePositives()).isEqualTo(2);
        assertThat(m.trueNegatives()).isEqualTo(2);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.sensitivity()).isEqualTo(0.75);
        assertThat(m.specificity()).isEqualTo(0.5);
        assertThat(m.accuracy()).isEqualTo(5 / 8.0);
        // pairs (positive above negative): 0.9 and 0.8 beat all 4, 0.6 beats 3, 0.3 beats 1 -> 12 of 16
        assertThat(m.auc()).isCloseTo(12 / 16.0, within(1e-12));
        // the highest threshold with sensitivity >= 0.75 is 0.6 (0.9, 0.8, 0.6 positive)
        assertThat(m.suggestedThreshold()).isEqualTo(0.6);
        assertThat(m.roc().get(0)).containsExactly(0, 0, 1);
        assertThat(m.roc().get(m.roc().size() - 1)[0]).isEqualTo(1.0);
        // reliability bins: 0.2, 0.3 | 0.4 | 0.55 | 0.6 | 0.7 | 0.8 | 0.9 (0.2 and 0.3 fall in different bins)
        assertThat(m.calibration()).hasSize(8);
        assertThat(m.calibration().get(0)).containsExactly(0.2, 0.0, 1.0);
        assertThat(m.calibration().get(1)).containsExactly(0.3, 1.0, 1.0);
    }

    @Test
    void rocAndCalibrationChartsAreDrawnAsPicturesOfTheAskedSize() throws Exception {
        EvaluationMetrics m = EvaluationMetrics.compute(new double[] {0.9, 0.8, 0.35, 0.3, 0.1},
                new boolean[] {true, true, false, true, false}, 0.5, 0.9);
        for (byte[] png : java.util.List.of(EvaluationCharts.rocPng(m, 360, 320),
                EvaluationCharts.calibrationPng(m, 360, 320))) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertThat(image.getWidth()).isEqualTo(360);
            assertThat(image.getHeight()).isEqualTo(320);
            // the curve is drawn: some pixels carry the curve's blue, not only white and grey
            boolean blue = false;
            for (int x = 0; x < image.getWidth() && !blue; x++) {
                for (int y = 0; y < image.getHeight() && !blue; y++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    blue = (rgb & 0xFF) > 0xA0 && (rgb >> 16 & 0xFF) < 0x60;
                }
            }
            assertThat(blue).isTrue();
        }
    }

    @Test
    void tiesCountHalf() {
        EvaluationMetrics m = EvaluationMetrics.compute(new double[] {0.5, 0.5}, new boolean[] {true, false}, 0.5, 1);
        assertThat(m.auc()).isEqualTo(0.5);
        assertThat(m.suggestedThreshold()).isEqualTo(0.5);
    }
}
