package org.histoscope.reports;

import org.histoscope.cases.CaseSignedOut;
import org.histoscope.review.ReviewSigned;
import org.histoscope.review.SignedReview;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Makes a report version when a case is signed out, and a new one when a review of a signed-out case is
 * amended. Runs synchronously in the publisher's transaction, so sign-out and report commit together.
 */
@Component
class CaseReportTrigger {

    private final CaseReportService reports;

    CaseReportTrigger(CaseReportService reports) {
        this.reports = reports;
    }

    @EventListener
    void onSignOut(CaseSignedOut event) {
        reports.generate(event.caseId(), "signed out by " + event.signedOutBy());
    }

    @EventListener
    void onReviewSigned(ReviewSigned event) {
        SignedReview review = event.review();
        if (review.isAmendment() && reports.hasReport(review.caseId())) {
            reports.generate(review.caseId(), "amendment: review " + review.id() + " amends review "
                    + review.amendsReviewId());
        }
    }
}
