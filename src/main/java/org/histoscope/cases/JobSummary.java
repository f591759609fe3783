package org.histoscope.cases;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import org.histoscope.platform.PeopleText;

/**
 * @param errorMessage the failure reason in English (API, audit), written for people; null unless FAILED
 * @param errorCode    the reason's message key (stable, for programs and for screens in the reader's language); null
 *                     where the reason has none
 * @param errorArgs    the key's arguments (not part of the API's JSON)
 * @param interrupted RUNNING, but the instance running it stopped heart-beating: it will be revived and retried
 * @param explanationPending DONE and its result shown, while the patch's explanation is still being computed
 */
public record JobSummary(long id, long caseId, long imageId, String imageName, boolean rerun, Long modelId,
                         JobStatus status, double progress, String errorMessage, String errorCode,
                         @JsonIgnore List<Object> errorArgs, int attempts, Long predictionId,
                         String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt,
                         boolean interrupted, boolean explanationPending) {

    public JobSummary {
        errorArgs = errorArgs == null ? List.of() : List.copyOf(errorArgs);
    }

    /** The failure reason for screens in the reader's language (the English {@link #errorMessage} where it has no code). */
    public PeopleText errorReason() {
        if (errorMessage == null) {
            return null;
        }
        return errorCode == null ? PeopleText.untranslated(errorMessage) : PeopleText.of(errorCode, errorArgs.toArray());
    }
}
