package org.histoscope.inference;

import java.util.List;
import java.util.Optional;

/** Stored, audited predictions for images of the cases feature. */
public interface PredictionService {

    /**
     * Stores an outcome of {@link InferenceService#predict} for the job that computed it, with its audit event,
     * inside the caller's transaction (which must exist), so that the caller commits the result and its own
     * bookkeeping (the job's state, the review queue) together or not at all. Inference itself belongs outside any
     * transaction. No user is signed in when a background job calls this; the caller passes who asked for it.
     *
     * @param requestedBy login name stored as created_by (the user who asked for the prediction)
     * @throws org.springframework.dao.DataIntegrityViolationException if the job already has a result
     */
    StoredPrediction store(long caseId, long imageId, long jobId, PredictionOutcome outcome, String requestedBy);

    /**
     * Adds the occlusion explanation of {@link InferenceService#explainPatch} to a stored patch prediction, inside the
     * caller's transaction, with its audit event. A prediction's explanation is written once: false (and nothing
     * changes) when it already has one.
     */
    boolean attachExplanation(long predictionId, byte[] explanationPng);

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
