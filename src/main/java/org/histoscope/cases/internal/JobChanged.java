package org.histoscope.cases.internal;

import org.histoscope.cases.JobSummary;

/**
 * A Spring application event: a prediction job changed (queued, started, progressed, finished, its explanation
 * added). Published inside the transaction that made the change; listen with
 * {@code @TransactionalEventListener(fallbackExecution = true)} to hear of it only once it is committed.
 * In-process only: each node hears about the jobs it queued or ran.
 */
public record JobChanged(JobSummary job) {
}
