package org.histoscope.inference;

/**
 * The card's {@code domain_guard}: a second output of the ONNX graph that scores how far a patch lies from the
 * training domain (higher is further), averaged over the same test-time views as the probability. A patch or tile
 * whose score is at or above {@code threshold} is "outside the model's training domain": its probability is shown
 * with a warning and the tile does not count toward the slide score.
 *
 * @param output    ONNX output name, e.g. "ood_score"
 * @param threshold flag at or above this score
 */
public record DomainGuard(String output, double threshold) {

    public DomainGuard {
        if (output == null || output.isBlank() || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("A domain guard needs an output name and a finite threshold");
        }
    }

    public boolean flags(double score) {
        return score >= threshold;
    }
}
