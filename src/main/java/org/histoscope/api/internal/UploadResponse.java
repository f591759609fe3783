package org.histoscope.api.internal;

import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.UploadOutcome;

/** STORED (201, with its queued job) or DUPLICATE (200, the image already in the case; nothing new stored). */
record UploadResponse(UploadOutcome.Result result, String message, ImageSummary image, JobSummary job) {

    static UploadResponse of(UploadOutcome outcome) {
        return new UploadResponse(outcome.result(), outcome.message(), outcome.image(), outcome.job());
    }
}
