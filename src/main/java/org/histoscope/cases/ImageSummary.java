package org.histoscope.cases;

import java.time.Instant;

public record ImageSummary(long id, long caseId, String originalFilename, String sha256, long sizeBytes, String format,
                           int width, int height, String resolution, String uploadedBy, Instant uploadedAt) {
}
