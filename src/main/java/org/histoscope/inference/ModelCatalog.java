package org.histoscope.inference;

import java.util.Optional;

/**
 * Where inference finds models. Implemented by the model registry (package {@code models}), so that inference
 * does not depend on the registry (the registry depends on inference to validate packages).
 */
public interface ModelCatalog {

    Optional<ModelDescriptor> activeModel();

    Optional<ModelDescriptor> model(long registeredModelId);
}
