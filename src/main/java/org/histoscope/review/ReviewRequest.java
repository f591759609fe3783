package org.histoscope.review;

import org.histoscope.platform.FreeText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A reviewer's verdict on one prediction, to be signed.
 *
 * @param finalLabel     the label the reviewer settles on; for AGREE it must be the model's label
 * @param amendsReviewId the signed review this one corrects, or null for the first review
 * @param outOfDomainAcknowledged the reviewer acknowledged that the result lies outside the model's training domain
 *                       (required to sign such a result)
 */
public record ReviewRequest(
        long predictionId,
        @NotNull(message = "Choose agree or override") ReviewDecision decision,
        @NotBlank(message = "Choose the final label") @Size(max = 64) String finalLabel,
        @NotBlank(message = "Enter the final diagnosis") @Size(max = 10000) String finalDiagnosis,
        @Size(max = 10000) String comment,
        @NotNull(message = "Choose the meaning of the signature") SignatureMeaning meaning,
        Long amendsReviewId,
        boolean outOfDomainAcknowledged) {

    /** Typed text in its one stored form (platform.FreeText), whether it came from the UI or the API. */
    public ReviewRequest {
        finalLabel = FreeText.clean(finalLabel);
        finalDiagnosis = FreeText.clean(finalDiagnosis);
        comment = FreeText.clean(comment);
    }

    /** A request without an out-of-domain acknowledgement. */
    public ReviewRequest(long predictionId, ReviewDecision decision, String finalLabel, String finalDiagnosis,
                         String comment, SignatureMeaning meaning, Long amendsReviewId) {
        this(predictionId, decision, finalLabel, finalDiagnosis, comment, meaning, amendsReviewId, false);
    }
}
