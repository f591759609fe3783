package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.histoscope.models.internal.RegisteredModelEntity;

class CalibrationPrevalenceTest {

    @Test
    void aStatedShareIsReadAndAnythingElseIsNotStated() {
        assertThat(RegisteredModelEntity.calibrationPrevalence(
                Map.of("calibration", Map.of("method", "platt", "prevalence", 0.28389)))).isEqualTo(0.28389);
        assertThat(RegisteredModelEntity.calibrationPrevalence(Map.of("calibration", Map.of("method", "platt"))))
                .isNull();
        assertThat(RegisteredModelEntity.calibrationPrevalence(Map.of("calibration", Map.of("prevalence", 1.5))))
                .isNull();
        assertThat(RegisteredModelEntity.calibrationPrevalence(Map.of("calibration", Map.of("prevalence", "28 %"))))
                .isNull();
        assertThat(RegisteredModelEntity.calibrationPrevalence(Map.of("calibration", "platt"))).isNull();
        assertThat(RegisteredModelEntity.calibrationPrevalence(Map.of())).isNull();
    }
}
