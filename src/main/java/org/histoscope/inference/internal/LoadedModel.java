package org.histoscope.inference.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.histoscope.inference.DomainGuard;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.inference.TestTimeAugmentation;

/** One ONNX Runtime session of a model, checked against its card. Thread-safe. */
public final class LoadedModel implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelCard card;
    private final String device;
    private final int[][] dihedralMaps;

    private LoadedModel(OrtEnvironment environment, OrtSession session, ModelCard card, String device) {
        this.environment = environment;
        this.session = session;
        this.card = card;
        this.device = device;
        this.dihedralMaps = card.input().height() == card.input().width()
                ? TestTimeAugmentation.sourceIndexMaps(card.input().width()) : null;
    }

    static LoadedModel load(OrtEnvironment environment, OrtSession.SessionOptions options, ModelCard card,
                            Path onnxFile, String device) {
        OrtSession session = null;
        try (options) {
            session = environment.createSession(onnxFile.toString(), options);
            LoadedModel model = new LoadedModel(environment, session, card, device);
            model.checkSignature();
            model.predict(new float[model.valuesPerPatch()], 1); // warm-up: first run allocates and optimises
            return model;
        } catch (OrtException | RuntimeException e) {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // already failing
                }
            }
            if (e instanceof PredictionFailedException failed) {
                throw failed;
            }
            throw new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                    "ONNX Runtime cannot load the model " + card.id() + ": " + OnnxRuntimeEngine.firstLine(e.getMessage()), e);
        }
    }

    private void checkSignature() throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        NodeInfo input = inputs.get(card.input().name());
        if (input == null) {
            throw unusable("the card's input '" + card.input().name() + "' is not in the graph (it has " + inputs.keySet() + ")");
        }
        long[] shape = ((TensorInfo) input.getInfo()).getShape();
        long[] expected = {-1, 3, card.input().height(), card.input().width()};
        if (shape.length != 4 || shape[1] != 3 || shape[2] != expected[2] || shape[3] != expected[3]) {
            throw unusable("input shape " + Arrays.toString(shape) + " does not match the card's [N, 3, "
                    + expected[2] + ", " + expected[3] + "]");
        }
        if (shape[0] > 0) {
            throw unusable("the input has a fixed batch size of " + shape[0] + " (a dynamic batch is required)");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        NodeInfo output = outputs.get(card.output().name());
        if (output == null) {
            throw unusable("the card's output '" + card.output().name() + "' is not in the graph (it has " + outputs.keySet() + ")");
        }
        long[] outShape = ((TensorInfo) output.getInfo()).getShape();
        if (outShape.length != 2 || outShape[1] != 1) {
            throw unusable("output shape " + Arrays.toString(outShape) + " is not [N, 1]");
        }
        DomainGuard guard = card.domainGuard();
        if (guard != null) {
            NodeInfo guardOutput = outputs.get(guard.output());
            if (guardOutput == null) {
                throw unusable("the card's domain guard output '" + guard.output() + "' is not in the graph (it has "
                        + outputs.keySet() + ")");
            }
            long[] guardShape = ((TensorInfo) guardOutput.getInfo()).getShape();
            if (!(guardShape.length == 1 || guardShape.length == 2 && guardShape[1] == 1)) {
                throw unusable("domain guard output shape " + Arrays.toString(guardShape) + " is not [N] or [N, 1]");
            }
        }
    }

    /**
     * The probabilities of a batch and, when the card names a domain guard, each patch's out-of-domain score (null
     * otherwise); both averaged over the same test-time views.
     */
    public record Scores(float[] probabilities, float[] oodScores) {
    }

    private PredictionFailedException unusable(String why) {
        return new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                "The model " + card.id() + " does not match its card: " + why + ".");
    }

    public ModelCard card() {
        return card;
    }

    public String device() {
        return device;
    }

    public int valuesPerPatch() {
        return 3 * card.input().height() * card.input().width();
    }

    /**
     * Like {@link #predict(float[], int)}, averaging the probability of each patch over the views of {@code tta}
     * (8 flips/rotations for {@link TestTimeAugmentation#DIHEDRAL8}, which costs 8 model runs per patch).
     */
    public float[] predict(float[] input, int count, TestTimeAugmentation tta) {
        return score(input, count, tta).probabilities();
    }

    /** As {@link #predict(float[], int, TestTimeAugmentation)}, with the domain guard's score when the card has one. */
    public Scores score(float[] input, int count, TestTimeAugmentation tta) {
        if (tta == TestTimeAugmentation.NONE) {
            return score(input, count);
        }
        if (dihedralMaps == null) {
            throw new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                    "The model " + card.id() + " has a non-square input: dihedral test-time augmentation needs a square one.");
        }
        int values = valuesPerPatch();
        int plane = values / 3;
        float[] views = new float[count * values];
        float[] sums = new float[count];
        float[] oodSums = card.domainGuard() == null ? null : new float[count];
        for (int k = 0; k < tta.views(); k++) {
            int[] source = dihedralMaps[k];
            for (int patch = 0; patch < count; patch++) {
                for (int channel = 0; channel < 3; channel++) {
                    int offset = patch * values + channel * plane;
                    for (int i = 0; i < plane; i++) {
                        views[offset + i] = input[offset + source[i]];
                    }
                }
            }
            Scores scores = score(views, count);
            for (int patch = 0; patch < count; patch++) {
                sums[patch] += scores.probabilities()[patch];
                if (oodSums != null) {
                    oodSums[patch] += scores.oodScores()[patch];
                }
            }
        }
        for (int patch = 0; patch < count; patch++) {
            sums[patch] /= tta.views();
            if (oodSums != null) {
                oodSums[patch] /= tta.views();
            }
        }
        return new Scores(sums, oodSums);
    }

    /**
     * Runs the model on {@code count} preprocessed patches laid out NCHW in {@code input} (which may be longer).
     *
     * @return the positive-class probability of each patch
     */
    public float[] predict(float[] input, int count) {
        return score(input, count).probabilities();
    }

    /** One run of the model, both outputs when the card names a domain guard. */
    public Scores score(float[] input, int count) {
        long[] shape = {count, 3, card.input().height(), card.input().width()};
        FloatBuffer buffer = FloatBuffer.wrap(input, 0, count * valuesPerPatch());
        DomainGuard guard = card.domainGuard();
        java.util.Set<String> outputs = guard == null ? java.util.Set.of(card.output().name())
                : java.util.Set.of(card.output().name(), guard.output());
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, buffer, shape);
             OrtSession.Result result = session.run(Map.of(card.input().name(), tensor), outputs)) {
            float[][] values = (float[][]) result.get(card.output().name()).orElseThrow().getValue();
            float[] probabilities = new float[count];
            for (int i = 0; i < count; i++) {
                float value = values[i][0];
                probabilities[i] = card.output().isLogit() ? (float) (1 / (1 + Math.exp(-value))) : value;
            }
            return new Scores(probabilities, guard == null ? null
                    : column(result.get(guard.output()).orElseThrow().getValue(), count));
        } catch (OrtException e) {
            throw new PredictionFailedException(PredictionFailedException.Reason.INFERENCE_ERROR,
                    "ONNX Runtime failed to run the model: " + OnnxRuntimeEngine.firstLine(e.getMessage()), e);
        }
    }

    /** An output of shape [N] or [N, 1] as one value per patch. */
    private static float[] column(Object value, int count) {
        if (value instanceof float[] flat) {
            return Arrays.copyOf(flat, count);
        }
        float[][] matrix = (float[][]) value;
        float[] column = new float[count];
        for (int i = 0; i < count; i++) {
            column[i] = matrix[i][0];
        }
        return column;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing on shutdown: nothing to do
        }
    }
}
