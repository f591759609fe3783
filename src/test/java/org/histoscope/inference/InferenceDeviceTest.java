package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;

/** The CUDA attempt and its CPU fallback: on machines without a usable GPU, CPU with the reason. */
class InferenceDeviceTest {

    @Test
    void cudaIsTriedAndTheCpuFallbackCarriesTheReason() {
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
        try {
            InferenceDevice device = engine.device();
            if (device.gpu()) {
                assertThat(device.name()).isEqualTo("CUDA:0");
                assertThat(device.describe()).isEqualTo("CUDA:0");
            } else {
                assertThat(device.name()).isEqualTo("CPU");
                assertThat(device.reason()).startsWith("CUDA unavailable: ").hasSizeGreaterThan(20);
                assertThat(device.describe()).startsWith("CPU (CUDA unavailable");
            }
            assertThatModelRuns(engine);
        } finally {
            engine.close();
        }
    }

    @Test
    void cudaCanBeSwitchedOff() {
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(new InferenceSettings(1, false, null, null, null, null, null, null));
        try {
            assertThat(engine.device().gpu()).isFalse();
            assertThat(engine.device().reason()).contains("use-cuda=false");
            assertThat(engine.device().intraOpThreads()).isEqualTo(1);
            assertThatModelRuns(engine);
        } finally {
            engine.close();
        }
    }

    private static void assertThatModelRuns(OnnxRuntimeEngine engine) {
        Path tiny = TestModels.tinyPackage();
        ModelCard card = ModelCards.read(tiny.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, tiny.resolve(ModelCards.MODEL_FILE), card.sha256());
        float[] probability = model.predict(new float[model.valuesPerPatch() * 2], 2);
        assertThat(probability).hasSize(2);
        assertThat(probability[0]).isBetween(0f, 1f).isEqualTo(probability[1]);
    }
}
