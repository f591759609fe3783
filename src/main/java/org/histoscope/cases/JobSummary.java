package org.histoscope.cases;

import java.time.Instant;

/**
 * @param interrupted RUNNING, but the instance running it stopped heart-beating: it will be revived and retried
 * @param explanationPending DONE and its result shown, while the patch's explanation is still being computed
 */
public record JobSummary(long id, long caseId, long imageId, String imageName, boolean rerun, Long modelId,
                         JobStatus status, double progress, String errorMessage, int attempts, Long predictionId,
                         String requestedBy, Instant requestedAt, Instant startedAt, Instant finishedAt,
                         boolean interrupted, boolean explanationPending) {
}
