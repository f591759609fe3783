package org.histoscope.inference;

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
        if (tta == TestTimeAugmentation.NONE) {
            return predict(input, count);
        }
        if (dihedralMaps == null) {
            throw new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                    "The model " + card.id() + " has a non-square input: dihedral test-time augmentation needs a square one.");
        }
        int values = valuesPerPatch();
        int plane = values / 3;
        float[] views = new float[count * values];
        float[] sums = new float[count];
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
            float[] probabilities = predict(views, count);
            for (int patch = 0; patch < count; patch++) {
                sums[patch] += probabilities[patch];
            }
        }
        for (int patch = 0; patch < count; patch++) {
            sums[patch] /= tta.views();
        }
        return sums;
    }

    /**
     * Runs the model on {@code count} preprocessed patches laid out NCHW in {@code input} (which may be longer).
     *
     * @return the positive-class probability of each patch
     */
    public float[] predict(float[] input, int count) {
        long[] shape = {count, 3, card.input().height(), card.input().width()};
        FloatBuffer buffer = FloatBuffer.wrap(input, 0, count * valuesPerPatch());
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, buffer, shape);
             OrtSession.Result result = session.run(Map.of(card.input().name(), tensor),
                     java.util.Set.of(card.output().name()))) {
            float[][] values = (float[][]) result.get(card.output().name()).orElseThrow().getValue();
            float[] probabilities = new float[count];
            for (int i = 0; i < count; i++) {
                float value = values[i][0];
                probabilities[i] = card.output().isLogit() ? (float) (1 / (1 + Math.exp(-value))) : value;
            }
            return probabilities;
        } catch (OrtException e) {
            throw new PredictionFailedException(PredictionFailedException.Reason.INFERENCE_ERROR,
                    "ONNX Runtime failed to run the model: " + OnnxRuntimeEngine.firstLine(e.getMessage()), e);
        }
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
