package org.histoscope.cases;

import java.time.Instant;

public record JobSummary(long id, long caseId, long imageId, String imageName, boolean rerun, Long modelId,
                         JobStatus status, double progress, String errorMessage, int attempts, Long predictionId,
                         String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt) {
}
