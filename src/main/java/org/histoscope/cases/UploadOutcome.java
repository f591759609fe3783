package org.histoscope.cases;

/** What became of one uploaded file; {@code message} is written for the user. */
public record UploadOutcome(Result result, String fileName, String message, ImageSummary image, JobSummary job) {

    public enum Result {
        STORED, DUPLICATE, REJECTED
    }

    static UploadOutcome stored(ImageSummary image, JobSummary job) {
        return new UploadOutcome(Result.STORED, image.originalFilename(),
                image.originalFilename() + " uploaded; prediction queued.", image, job);
    }

    static UploadOutcome duplicate(String fileName, ImageSummary existing) {
        return new UploadOutcome(Result.DUPLICATE, fileName, fileName + " is identical to " + existing.originalFilename()
                + ", already uploaded to this case; it was not stored again.", existing, null);
    }

    public static UploadOutcome rejected(String fileName, String reason) {
        return new UploadOutcome(Result.REJECTED, fileName, fileName + " was not accepted: " + reason, null, null);
    }
}
