package org.histoscope.inference;

import java.nio.file.Path;

/**
 * A registered model as inference needs it.
 *
 * @param registeredModelId registry id
 * @param card              its card
 * @param onnxFile          the verified model.onnx
 * @param sha256            sha256 of model.onnx as registered
 * @param threshold         the threshold in force (the registry's, which may differ from the card's)
 */
public record ModelDescriptor(long registeredModelId, ModelCard card, Path onnxFile, String sha256, double threshold) {
}
