package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden test: Java decoding + preprocessing + ONNX Runtime reproduce the probabilities PyTorch gave the
 * reference patches of each package (reference/probabilities.csv) within the card's tolerance (1e-4).
 */
class GoldenReferenceTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
    private static final SafeImageInspector inspector = new SafeImageInspector();

    static Stream<Path> packages() {
        return TestModels.allPackages().stream();
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @ParameterizedTest
    @MethodSource("packages")
    void referencePatchesReproducePyTorchProbabilities(Path modelPackage) throws IOException {
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        Preprocessor preprocessor = new Preprocessor(card.input());
        List<String[]> rows = Files.readAllLines(modelPackage.resolve("reference/probabilities.csv")).stream()
                .skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(4);

        float[] batch = new float[rows.size() * preprocessor.valuesPerPatch()];
        List<Double> expected = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            BufferedImage patch = inspector.readWhole(modelPackage.resolve("reference").resolve(rows.get(i)[0]));
            preprocessor.patch(patch, 0, 0, batch, i);
            expected.add(Double.parseDouble(rows.get(i)[1]));
        }
        float[] batched = model.predict(batch, rows.size());
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            float[] single = new float[preprocessor.valuesPerPatch()];
            System.arraycopy(batch, i * single.length, single, 0, single.length);
            float alone = model.predict(single, 1)[0];
            assertThat((double) alone).as(rows.get(i)[0]).isCloseTo(expected.get(i), within(card.referenceTolerance()));
            assertThat((double) batched[i]).as(rows.get(i)[0] + " in a batch")
                    .isCloseTo(expected.get(i), within(card.referenceTolerance()));
            worst = Math.max(worst, Math.abs(alone - expected.get(i)));
        }
        System.out.printf("golden %s %s: %d reference patches, max |Java - PyTorch| = %.2e%n",
                card.id(), card.version(), rows.size(), worst);
    }

    /** Test-time augmentation: the Java engine's 8-view mean equals the Python evaluator's within 1e-5 (float). */
    @ParameterizedTest
    @MethodSource("packages")
    void testTimeAugmentationReproducesThePythonEvaluator(Path modelPackage) throws IOException {
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        List<String> lines = Files.readAllLines(modelPackage.resolve("reference/probabilities.csv"));
        int column = List.of(lines.get(0).split(",")).indexOf("probability_dihedral8");
        if (column < 0) {
            assertThat(card.testTimeAugmentation()).as(card.id() + " asks for TTA, so its reference needs probability_dihedral8")
                    .isEqualTo(TestTimeAugmentation.NONE);
            org.junit.jupiter.api.Assumptions.abort(card.id() + " has no dihedral reference probabilities");
        }
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        Preprocessor preprocessor = new Preprocessor(card.input());
        List<String[]> rows = lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
        float[] batch = new float[rows.size() * preprocessor.valuesPerPatch()];
        for (int i = 0; i < rows.size(); i++) {
            preprocessor.patch(inspector.readWhole(modelPackage.resolve("reference").resolve(rows.get(i)[0])), 0, 0, batch, i);
        }
        // a quantised package states a looser tolerance: ONNX Runtime's integer kernels round unlike the Python reference
        double tolerance = card.referenceTolerance() <= 1e-4 ? 1e-5 : card.referenceTolerance();
        float[] averaged = model.predict(batch, rows.size(), TestTimeAugmentation.DIHEDRAL8);
        float[] single = model.predict(batch, rows.size());
        double worst = 0;
        double moved = 0;
        for (int i = 0; i < rows.size(); i++) {
            double expected = Double.parseDouble(rows.get(i)[column]);
            assertThat((double) averaged[i]).as(rows.get(i)[0]).isCloseTo(expected, within(tolerance));
            worst = Math.max(worst, Math.abs(averaged[i] - expected));
            moved = Math.max(moved, Math.abs(averaged[i] - single[i]));
        }
        assertThat(moved).as("the 8 views change some probability, so the test can tell TTA from none").isGreaterThan(1e-4);
        System.out.printf("golden TTA %s: max |Java - Python| = %.2e (TTA moves probabilities by up to %.3f)%n",
                card.id(), worst, moved);
    }

    /**
     * The domain guard: ONNX Runtime's ood_score of each reference patch (view 0, and averaged over the 8 views as the
     * app does) equals what PyTorch computed (columns ood_score, ood_score_dihedral8), so the card's threshold, set
     * in Python, means the same in Java. The score reads the input's colour (since 2.3.1) and the scale of its
     * haematoxylin structures (since 2.3.2), not only the pooled features.
     */
    @ParameterizedTest
    @MethodSource("packages")
    void referencePatchesReproducePyTorchOodScores(Path modelPackage) throws IOException {
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        List<String> lines = Files.readAllLines(modelPackage.resolve("reference/probabilities.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        org.junit.jupiter.api.Assumptions.assumeTrue(card.domainGuard() != null, card.id() + " has no domain guard");
        int single = header.indexOf("ood_score");
        int dihedral = header.indexOf("ood_score_dihedral8");
        assertThat(single).as(card.id() + " has a guard, so its reference needs ood_score").isPositive();
        assertThat(dihedral).as(card.id() + " has a guard, so its reference needs ood_score_dihedral8").isPositive();
        LoadedModel model = engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
        Preprocessor preprocessor = new Preprocessor(card.input());
        List<String[]> rows = lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
        float[] batch = new float[rows.size() * preprocessor.valuesPerPatch()];
        for (int i = 0; i < rows.size(); i++) {
            preprocessor.patch(inspector.readWhole(modelPackage.resolve("reference").resolve(rows.get(i)[0])), 0, 0, batch, i);
        }
        float[] once = model.score(batch, rows.size(), TestTimeAugmentation.NONE).oodScores();
        float[] averaged = model.score(batch, rows.size(), TestTimeAugmentation.DIHEDRAL8).oodScores();
        double worst = 0;
        for (int i = 0; i < rows.size(); i++) {
            double expectedOnce = Double.parseDouble(rows.get(i)[single]);
            double expectedAveraged = Double.parseDouble(rows.get(i)[dihedral]);
            // relative: the score is a distance (about 1-30), its float error scales with it
            double tolerance = card.referenceTolerance() * Math.max(1.0, Math.abs(expectedOnce));
            assertThat((double) once[i]).as(rows.get(i)[0]).isCloseTo(expectedOnce, within(tolerance));
            assertThat((double) averaged[i]).as(rows.get(i)[0] + " over 8 views").isCloseTo(expectedAveraged, within(tolerance));
            worst = Math.max(worst, Math.abs(averaged[i] - expectedAveraged));
        }
        System.out.printf("golden ood_score %s %s: max |Java - PyTorch| = %.2e (threshold %.4f)%n",
                card.id(), card.version(), worst, card.domainGuard().threshold());
    }

}
