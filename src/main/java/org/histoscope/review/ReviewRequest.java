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
 */
public record ReviewRequest(
        long predictionId,
        @NotNull(message = "Choose agree or override") ReviewDecision decision,
        @NotBlank(message = "Choose the final label") @Size(max = 64) String finalLabel,
        @NotBlank(message = "Enter the final diagnosis") @Size(max = 10000) String finalDiagnosis,
        @Size(max = 10000) String comment,
        @NotNull(message = "Choose the meaning of the signature") SignatureMeaning meaning,
        Long amendsReviewId) {

    /** Typed text in its one stored form (platform.FreeText), whether it came from the UI or the API. */
    public ReviewRequest {
        finalLabel = FreeText.clean(finalLabel);
        finalDiagnosis = FreeText.clean(finalDiagnosis);
        comment = FreeText.clean(comment);
    }
}
