package org.histoscope.review.internal;

import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.PredictionCompleted;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts every new result in the review queue, inside the transaction that stores the result. A result that arrived
 * after its case was signed out is queued too, flagged, so that the case's reviewers see it.
 */
@Component
class ReviewQueueListener {

    private final ReviewQueueRepository queue;
    private final AuditService audit;

    ReviewQueueListener(ReviewQueueRepository queue, AuditService audit) {
        this.queue = queue;
        this.audit = audit;
    }

    @EventListener
    void on(PredictionCompleted result) {
        if (queue.existsById(result.predictionId())) {
            return;
        }
        queue.save(new ReviewQueueItem(result));
        audit.recordForCase(ReviewAuditAction.REVIEW_QUEUED, "prediction", String.valueOf(result.predictionId()),
                result.caseId(), Map.of("label", result.label(), "probability", result.probability(),
                        "arrivedAfterSignOut", result.arrivedAfterSignOut()));
    }
}
