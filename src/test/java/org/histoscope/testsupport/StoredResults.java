package org.histoscope.testsupport;

import java.nio.file.Path;
import java.util.UUID;
import org.histoscope.inference.InferenceService;
import org.histoscope.inference.PredictionOutcome;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.StoredPrediction;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** A prediction stored as the job runner stores it, for a new job of a new image of a real case. */
public final class StoredResults {

    private StoredResults() {
    }

    /**
     * Runs the prediction outside any transaction, stores it inside one, and puts the case in review as the job
     * runner does with a case's first result (reviewers read cases in review, not open ones). Run as the system.
     */
    public static StoredPrediction predictAndStore(InferenceService inference, PredictionService predictions,
                                                   JdbcTemplate jdbc, TransactionTemplate transactions, Path file,
                                                   PredictionRequest request, ProgressListener progress) {
        PredictionOutcome outcome = inference.predict(file, request, progress);
        long caseId = RealRows.patientCase(jdbc, "SP-" + UUID.randomUUID());
        long imageId = RealRows.image(jdbc, caseId, file.getFileName().toString());
        long jobId = RealRows.job(jdbc, caseId, imageId, "RUNNING");
        StoredPrediction stored = transactions.execute(
                tx -> predictions.store(caseId, imageId, jobId, outcome, "dr.who"));
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ?", caseId);
        if (outcome.explanationFollows()) {
            // the job runner's explanation step
            byte[] explanation = inference.explainPatch(file, outcome.registeredModelId(), stored.probability());
            transactions.executeWithoutResult(tx -> predictions.attachExplanation(stored.id(), explanation));
            return predictions.find(stored.id()).orElseThrow();
        }
        return stored;
    }
}
