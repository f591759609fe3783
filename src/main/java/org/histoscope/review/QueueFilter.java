package org.histoscope.review;

import java.time.Instant;

/**
 * Which queue entries to show; null fields mean "any".
 *
 * @param reviewed     true: only reviewed, false: only unreviewed, null: both (unreviewed first)
 * @param from         predicted at or after
 * @param to           predicted before
 * @param disagreement only entries whose final label differs from the model's
 */
public record QueueFilter(Boolean reviewed, String modelName, Instant from, Instant to, String label,
                          boolean disagreement, QueueOrder order) {

    public enum QueueOrder {
        /** Unreviewed first, newest first. */
        NEWEST,
        /** Unreviewed first, then the results closest to the model's threshold. */
        UNCERTAIN
    }

    public static QueueFilter all() {
        return new QueueFilter(null, null, null, null, null, false, QueueOrder.NEWEST);
    }
}
