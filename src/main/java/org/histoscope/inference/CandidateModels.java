package org.histoscope.inference;

import jakarta.annotation.security.RolesAllowed;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.histoscope.security.Roles;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.internal.Preprocessor;
import org.springframework.stereotype.Service;

/**
 * The inference feature's door for the models feature's check of a package before it is registered: ONNX Runtime
 * loads the package's network with its card's input and output, as for prediction but uncached, and scores patches
 * through the card's own preprocessing. Apart from the prediction services because those read the registry.
 */
@Service
@RolesAllowed({Roles.ADMIN, Roles.SYSTEM}) // registering a package: an administrator's upload, the start-up scan
public class CandidateModels {

    private final OnnxRuntimeEngine engine;

    CandidateModels(OnnxRuntimeEngine engine) {
        this.engine = engine;
    }

    /**
     * Loads {@code onnxFile} against {@code card}. Close the model after use.
     *
     * @throws PredictionFailedException if ONNX Runtime cannot load it or its input or output differ from the card
     */
    public CandidateModel load(ModelCard card, Path onnxFile) {
        return new Candidate(engine.loadUncached(card, onnxFile));
    }

    /** A loaded candidate scoring one patch at a time. */
    private static final class Candidate implements CandidateModel {

        private final LoadedModel model;
        private final Preprocessor preprocessor;
        private final float[] input;

        Candidate(LoadedModel model) {
            this.model = model;
            this.preprocessor = new Preprocessor(model.card().input());
            this.input = new float[preprocessor.valuesPerPatch()];
        }

        @Override
        public ModelCard card() {
            return model.card();
        }

        @Override
        public synchronized double patchProbability(BufferedImage patch) {
            preprocessor.patch(patch, 0, 0, input, 0);
            return model.predict(input, 1)[0];
        }

        @Override
        public void close() {
            model.close();
        }
    }
}
