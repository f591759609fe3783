package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;

/**
 * The card's operating points (patch, tile and slide thresholds, grey zones) and its domain guard, as inference reads
 * and applies them: an older card without them keeps working (patch threshold everywhere, no guard), and the guard's
 * second ONNX output is read and averaged over the test-time views like the probability (real ONNX Runtime on
 * {@code tiny-guard-model}, the tiny fixture with an {@code ood_score} output of mean |normalised input|).
 */
public class OperatingPointsAndGuardTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);

    @AfterAll
    static void close() {
        engine.close();
    }

    static Path guardPackage() {
        try {
            return Path.of(OperatingPointsAndGuardTest.class.getResource("/models/tiny-guard-model/model-card.json")
                    .toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCardWithoutOperatingPointsUsesThePatchThresholdEverywhereAndHasNoGuard() {
        ModelCard card = ModelCards.read(TestModels.tinyPackage().resolve(ModelCards.CARD_FILE));
        assertThat(card.operatingPoints()).isEqualTo(OperatingPoints.NONE);
        assertThat(card.operatingPoints().tileThreshold(0.239)).isEqualTo(0.239);
        assertThat(card.operatingPoints().slideThreshold(0.239)).isEqualTo(0.239);
        assertThat(card.operatingPoints().smoothingSigma()).isEqualTo(WholeSlideScoring.SIGMA_TILES);
        assertThat(card.domainGuard()).isNull();
        assertThat(Verdict.of(0.24, 0.239, card.operatingPoints().patchGreyZone())).isEqualTo(Verdict.POSITIVE);
    }

    @Test
    void theThreeThresholdsGreyZonesAndGuardAreReadFromTheCard() {
        ModelCard card = ModelCards.read(guardPackage().resolve(ModelCards.CARD_FILE));
        OperatingPoints points = card.operatingPoints();
        assertThat(card.threshold()).isEqualTo(0.5);
        assertThat(points.tileThreshold(card.threshold())).isEqualTo(0.55);
        assertThat(points.slideThreshold(card.threshold())).isEqualTo(0.65);
        assertThat(points.patchGreyZone()).isEqualTo(new GreyZone(0.4, 0.6));
        assertThat(points.slideGreyZone()).isEqualTo(new GreyZone(0.6, 0.7));
        assertThat(card.domainGuard()).isEqualTo(new DomainGuard("ood_score", 1.5));
        assertThat(card.micronsPerPixel()).isEqualTo(4.0);
    }

    @Test
    void aProbabilityInsideTheGreyZoneIsIndeterminate() {
        GreyZone zone = new GreyZone(0.15, 0.45);
        assertThat(Verdict.of(0.269, 0.239, zone)).isEqualTo(Verdict.INDETERMINATE);
        assertThat(Verdict.of(0.15, 0.239, zone)).isEqualTo(Verdict.INDETERMINATE);
        assertThat(Verdict.of(0.45, 0.239, zone)).isEqualTo(Verdict.POSITIVE);
        assertThat(Verdict.of(0.99, 0.239, zone)).isEqualTo(Verdict.POSITIVE);
        assertThat(Verdict.of(0.149, 0.239, zone)).isEqualTo(Verdict.NEGATIVE);
        assertThat(Verdict.INDETERMINATE.displayLabel("cancer")).isEqualTo("indeterminate");
        assertThat(Verdict.POSITIVE.displayLabel("cancer")).isEqualTo("cancer");
    }

    @Test
    void aBrokenOperatingPointIsRefusedWithItsName() {
        Map<String, Object> card = ModelCards.readAsMap(guardPackage().resolve(ModelCards.CARD_FILE));
        card.put("operating_points", Map.of("slide", Map.of("threshold", 1.5)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelCards.fromMap(card))
                .isInstanceOf(ModelCards.InvalidModelCardException.class).hasMessageContaining("operating_points.slide");
        card.put("operating_points", Map.of("slide", Map.of("threshold", 0.19, "score", "area_fraction_above_0.3")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelCards.fromMap(card))
                .isInstanceOf(ModelCards.InvalidModelCardException.class)
                .hasMessageContaining("operating_points.slide.score must be top50_mean");
        card.put("operating_points", Map.of("slide", Map.of("threshold", 0.2, "score", "top50_mean",
                "score_parameters", Map.of("k", 20))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelCards.fromMap(card))
                .isInstanceOf(ModelCards.InvalidModelCardException.class).hasMessageContaining("slide.score");
        card.put("operating_points", Map.of("patch", Map.of("grey_zone", Map.of("low", 0.6, "high", 0.4))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModelCards.fromMap(card))
                .isInstanceOf(ModelCards.InvalidModelCardException.class).hasMessageContaining("grey_zone");
    }

    @Test
    void theGuardOutputIsReadPerPatchAndAveragedOverTheViews() throws Exception {
        Path pkg = guardPackage();
        ModelCard card = ModelCards.read(pkg.resolve(ModelCards.CARD_FILE));
        LoadedModel model = engine.loadUncached(card, pkg.resolve(ModelCards.MODEL_FILE));
        try (model) {
            Preprocessor preprocessor = new Preprocessor(card.input());
            float[] input = new float[2 * preprocessor.valuesPerPatch()];
            BufferedImage tissue = rgb(ImageIO.read(StoredPredictionTest.image("idc/8951_idx5_x1201_y901_class1.png")
                    .toFile()));
            BufferedImage grey = greyscale(tissue);
            preprocessor.patch(tissue, 0, 0, input, 0);
            preprocessor.patch(grey, 0, 0, input, 1);

            LoadedModel.Scores once = model.score(input, 2);
            LoadedModel.Scores views = model.score(input, 2, TestTimeAugmentation.DIHEDRAL8);
            for (int patch = 0; patch < 2; patch++) {
                double expected = meanAbs(input, patch * preprocessor.valuesPerPatch(), preprocessor.valuesPerPatch());
                assertThat(once.oodScores()[patch]).isCloseTo((float) expected, within(1e-4f));
                // mean |x| does not change under flips and rotations: the mean over 8 views is the same
                assertThat(views.oodScores()[patch]).isCloseTo((float) expected, within(1e-4f));
            }
            assertThat(views.probabilities()).containsExactly(model.predict(input, 2, TestTimeAugmentation.DIHEDRAL8));
            assertThat(once.oodScores()[0]).isNotEqualTo(once.oodScores()[1]);
        }
    }

    @Test
    void aCardNamingAGuardOutputTheGraphLacksIsRefused() {
        Map<String, Object> map = ModelCards.readAsMap(guardPackage().resolve(ModelCards.CARD_FILE));
        map.put("domain_guard", Map.of("output", "energy", "threshold", 2.0));
        ModelCard card = ModelCards.fromMap(map);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.loadUncached(card,
                        guardPackage().resolve(ModelCards.MODEL_FILE)))
                .isInstanceOf(PredictionFailedException.class).hasMessageContaining("'energy' is not in the graph");
    }

    static double meanAbs(float[] values, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += Math.abs(values[i]);
        }
        return sum / length;
    }

    public static BufferedImage rgb(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(image, 0, 0, null);
        return out;
    }

    static BufferedImage greyscale(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int l = (int) Math.round(0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF));
                out.setRGB(x, y, l << 16 | l << 8 | l);
            }
        }
        return out;
    }
}
