package org.histoscope.review;

import java.time.Instant;

/** A signed review as shown: the signature's printed name, UTC time and meaning travel with it. */
public record SignedReview(long id, long predictionId, long caseId, ReviewDecision decision, String predictedLabel,
                           String finalLabel, String finalDiagnosis, String comment, String signedBy, String signerName,
                           Instant signedAt, SignatureMeaning meaning, Long amendsReviewId) {

    public boolean isAmendment() {
        return amendsReviewId != null;
    }
}
