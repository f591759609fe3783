package org.histoscope.cases;

import java.util.Set;

/**
 * A case with what the worklists need to know of its work: its images and how many of its predictions are still
 * queued or running.
 */
public record CaseWork(CaseSummary caseSummary, Set<Long> imageIds, long pendingJobs) {

    public long caseId() {
        return caseSummary.id();
    }
}
