package org.histoscope.models;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The model registry. Reading is open to every signed-in user; changes need ADMIN and are audited.
 */
public interface ModelRegistry {

    List<RegisteredModel> all();

    Optional<RegisteredModel> find(long id);

    /** The model a prediction names by its card's id and version (the latest registered, if it was added twice). */
    Optional<RegisteredModel> findVersion(String modelId, String version);

    Optional<RegisteredModel> active();

    /**
     * Validates a package folder or zip file (model.onnx + model-card.json [+ reference/]) and registers it as
     * AVAILABLE: sha256 matches the card, ONNX Runtime loads it, input/output match the card, and it reproduces
     * the reference probabilities. The package is copied into the models directory.
     *
     * @throws ModelPackageRejectedException with the reason when validation fails (nothing is registered)
     */
    RegisteredModel addPackage(Path packageFolderOrZip);

    /**
     * {@link #addPackage} for uploaded files: the zip, or a package folder assembled from model.onnx and its card.
     * The uploaded files are deleted once the model is registered; when it is refused they are kept for another try.
     *
     * @throws ModelPackageRejectedException with the reason when validation fails (nothing is registered)
     * @throws java.io.UncheckedIOException   when the package folder cannot be assembled
     */
    RegisteredModel addUploaded(UploadedModelFiles files);

    /** Makes the model the ACTIVE one; the previous active model becomes AVAILABLE. */
    RegisteredModel activate(long id);

    /** Retires an AVAILABLE model. The active model cannot be retired. */
    RegisteredModel retire(long id);

    /** Changes the decision threshold (0 &lt; t &lt; 1); the reason is mandatory and audited. */
    RegisteredModel changeThreshold(long id, double threshold, String reason);
}
