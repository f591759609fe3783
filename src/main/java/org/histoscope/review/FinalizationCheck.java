package org.histoscope.review;

import java.util.List;
import org.histoscope.cases.ImageSummary;
import org.histoscope.platform.PeopleText;

/**
 * Whether a case can be finalized, and if not, why.
 *
 * @param reasons      what stands in the way, one sentence each, written for people in each reader's language; empty
 *                     when ready
 * @param markable     images without a result to review and without a prediction in flight (failed, or nothing to
 *                     classify): a reviewer may mark them not assessable
 * @param notAssessable the signed not-assessable marks of the case
 */
public record FinalizationCheck(List<PeopleText> reasons, List<ImageSummary> markable, List<NotAssessableMark> notAssessable) {

    public boolean ready() {
        return reasons.isEmpty();
    }

    /** What stands in the way, in English (the API). */
    public List<String> blockers() {
        return reasons.stream().map(PeopleText::english).toList();
    }
}
