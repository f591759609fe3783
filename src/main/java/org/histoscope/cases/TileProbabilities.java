package org.histoscope.cases;

import java.util.Optional;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.viewer.ProbabilityGrid;

/** Where the viewer's heatmap gets a whole-slide prediction's per-tile probabilities ({@code internal.StoredTileProbabilities}). */
public interface TileProbabilities {

    /** The grid of a whole-image prediction of an image of {@code width} x {@code height}; empty for patches. */
    Optional<ProbabilityGrid> of(StoredPrediction prediction, int width, int height);
}
