package org.histoscope.review;

import java.time.Instant;

/** A signed review as shown: the signature's printed name, UTC time and meaning travel with it. */
public record SignedReview(long id, long predictionId, long caseId, ReviewDecision decision, String predictedLabel,
                           String finalLabel, String finalDiagnosis, String comment, String signedBy, String signerName,
                           Instant signedAt, SignatureMeaning meaning, Long amendsReviewId,
                           String segregationNote) {

    /** A review signed by someone other than the prediction's requester (no segregation-of-duties note). */
    public SignedReview(long id, long predictionId, long caseId, ReviewDecision decision, String predictedLabel,
                        String finalLabel, String finalDiagnosis, String comment, String signedBy, String signerName,
                        Instant signedAt, SignatureMeaning meaning, Long amendsReviewId) {
        this(id, predictionId, caseId, decision, predictedLabel, finalLabel, finalDiagnosis, comment, signedBy,
                signerName, signedAt, meaning, amendsReviewId, null);
    }

    /** Whether the signer had requested the prediction, which only a department setting allows. */
    public boolean signedByRequester() {
        return segregationNote != null;
    }

    public boolean isAmendment() {
        return amendsReviewId != null;
    }
}
