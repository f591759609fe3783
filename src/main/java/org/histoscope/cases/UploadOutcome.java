package org.histoscope.cases;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.histoscope.platform.PeopleText;

/**
 * What became of one uploaded file; {@code message} is written for the user in English (the API, the audit trail),
 * {@code text} the same sentence for screens in the reader's language.
 */
public record UploadOutcome(Result result, String fileName, String message, ImageSummary image, JobSummary job,
                            @JsonIgnore PeopleText text) {

    public enum Result {
        STORED, DUPLICATE, REJECTED
    }

    private UploadOutcome(Result result, String fileName, PeopleText text, ImageSummary image, JobSummary job) {
        this(result, fileName, text.english(), image, job, text);
    }

    static UploadOutcome stored(ImageSummary image, JobSummary job) {
        return new UploadOutcome(Result.STORED, image.originalFilename(),
                PeopleText.of("case.upload.outcome.stored", image.originalFilename()), image, job);
    }

    static UploadOutcome duplicate(String fileName, ImageSummary existing) {
        return new UploadOutcome(Result.DUPLICATE, fileName,
                PeopleText.of("case.upload.outcome.duplicate", fileName, existing.originalFilename()), existing, null);
    }

    public static UploadOutcome rejected(String fileName, String reason) {
        return rejected(fileName, PeopleText.untranslated(reason));
    }

    public static UploadOutcome rejected(String fileName, PeopleText reason) {
        return new UploadOutcome(Result.REJECTED, fileName, PeopleText.of("case.upload.outcome.rejected", fileName,
                reason), null, null);
    }
}
