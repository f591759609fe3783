package org.histoscope.reports.internal;

import org.histoscope.review.CaseFinalized;
import org.histoscope.review.FinalDiagnosis;
import org.histoscope.review.ReviewSigned;
import org.histoscope.review.SignedReview;
import org.histoscope.reports.CaseReportService;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Makes a report version when a case is finalized, and a new one when its final diagnosis or a review of it is
 * amended afterwards. Runs synchronously in the publisher's transaction, so the signature and its report (and the
 * report's LIS message) commit together.
 */
@Component
class CaseReportTrigger {

    private final CaseReportService reports;

    CaseReportTrigger(CaseReportService reports) {
        this.reports = reports;
    }

    @EventListener
    void onFinalized(CaseFinalized event) {
        FinalDiagnosis signed = event.finalDiagnosis();
        reports.generate(signed.caseId(), signed.isAmendment()
                ? "final diagnosis amended by " + signed.signerName()
                : "finalized by " + signed.signerName());
    }

    @EventListener
    void onReviewSigned(ReviewSigned event) {
        SignedReview review = event.review();
        if (review.isAmendment() && reports.hasReport(review.caseId())) {
            reports.generate(review.caseId(), "amendment signed by " + review.signerName());
        }
    }
}
