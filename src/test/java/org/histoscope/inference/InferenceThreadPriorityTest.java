package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.platform.BackgroundPriority;
import org.histoscope.testsupport.NativeThreads;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's intra-op threads, which do most of the inference, run at the background priority, so that a burst
 * of predictions leaves the CPU to people's requests first (issue #28). They are native threads the JVM does not
 * know: they are found by the name they inherit from the thread that created the session.
 */
class InferenceThreadPriorityTest {

    @Test
    void theModelRuntimesOwnThreadsRunAtTheBackgroundPriority() throws IOException {
        assumeTrue(BackgroundPriority.niceOfCurrentThread().isPresent(), "needs Linux's /proc");
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(
                new InferenceSettings(2, false, null, null, null, null, null, null), new BackgroundPriority(10));
        try {
            Path tiny = TestModels.tinyPackage();
            ModelCard card = ModelCards.read(tiny.resolve(ModelCards.CARD_FILE));
            LoadedModel model = engine.load(card, tiny.resolve(ModelCards.MODEL_FILE), card.sha256());
            assertThat(model.predict(new float[model.valuesPerPatch()], 1)).hasSize(1);

            List<NativeThreads.NativeThread> runtimeThreads = NativeThreads.ofThisProcess().stream()
                    .filter(thread -> thread.name().startsWith("model-runtime")).toList();
            assertThat(runtimeThreads).as("ONNX Runtime's intra-op thread, named after the thread that created it")
                    .isNotEmpty();
            assertThat(runtimeThreads).allSatisfy(thread ->
                    assertThat(thread.nice()).as(thread.name()).isEqualTo(NativeThreads.backgroundNice(10)));
            assertThat(BackgroundPriority.niceOfCurrentThread().orElseThrow()).as("the caller keeps its priority")
                    .isLessThan(NativeThreads.backgroundNice(10));
        } finally {
            engine.close();
        }
    }
}
