package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

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
        assertThat(m.rocSvg(200)).startsWith("<svg").contains("polyline").endsWith("</svg>");
    }

    @Test
    void tiesCountHalf() {
        EvaluationMetrics m = EvaluationMetrics.compute(new double[] {0.5, 0.5}, new boolean[] {true, false}, 0.5, 1);
        assertThat(m.auc()).isEqualTo(0.5);
        assertThat(m.suggestedThreshold()).isEqualTo(0.5);
    }
}
