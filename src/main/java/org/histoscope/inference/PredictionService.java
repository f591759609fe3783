package org.histoscope.inference;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Stored, audited predictions for images of the cases feature. */
public interface PredictionService {

    /**
     * Predicts on the image file and stores the result with an audit event linked to the case, in one
     * transaction: on any failure nothing is stored. No role check here because background jobs call it; the
     * caller (who queued the job) checks the user's role and passes their login name.
     *
     * @param requestedBy login name stored as created_by (the user who asked for the prediction)
     * @throws org.histoscope.images.ImageRejectedException if the image is refused
     * @throws PredictionFailedException                     if there is no usable model or inference fails
     */
    StoredPrediction predictAndStore(long caseId, long imageId, Path file, PredictionRequest request,
                                     String requestedBy, ProgressListener progress);

    /** All predictions of an image, newest first. */
    List<StoredPrediction> forImage(long imageId);

    Optional<StoredPrediction> find(long predictionId);

    /** Heatmap overlay PNG of a whole-image prediction. */
    Optional<byte[]> heatmapPng(long predictionId);

    /**
     * The per-tile probabilities of a whole-image prediction exactly as the model computed them, with the tile
     * geometry (for the viewer's heatmap and click-to-probability, reviews and exports); empty for patches and for
     * predictions stored before grids were kept. Pathologists, reviewers and administrators only.
     */
    Optional<TileGrid> tileGrid(long predictionId);

    /** Occlusion-sensitivity overlay PNG of a patch prediction. */
    Optional<byte[]> explanationPng(long predictionId);
}
