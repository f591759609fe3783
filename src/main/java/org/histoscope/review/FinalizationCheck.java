package org.histoscope.review;

import java.util.List;
import org.histoscope.cases.ImageSummary;

/**
 * Whether a case can be finalized, and if not, why.
 *
 * @param blockers     what stands in the way, one sentence each, written for people; empty when ready
 * @param markable     images without a result to review and without a prediction in flight (failed, or nothing to
 *                     classify): a reviewer may mark them not assessable
 * @param notAssessable the signed not-assessable marks of the case
 */
public record FinalizationCheck(List<String> blockers, List<ImageSummary> markable, List<NotAssessableMark> notAssessable) {

    public boolean ready() {
        return blockers.isEmpty();
    }
}
