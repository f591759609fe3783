package org.histoscope.reports;

import org.histoscope.cases.CaseSignedOut;
import org.histoscope.review.ReviewSigned;
import org.histoscope.review.SignedReview;
import org.histoscope.users.UserDirectory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Makes a report version when a case is signed out, and a new one when a review of a signed-out case is
 * amended. Runs synchronously in the publisher's transaction, so sign-out and report commit together.
 */
@Component
class CaseReportTrigger {

    private final CaseReportService reports;
    private final UserDirectory users;

    CaseReportTrigger(CaseReportService reports, UserDirectory users) {
        this.reports = reports;
        this.users = users;
    }

    @EventListener
    void onSignOut(CaseSignedOut event) {
        reports.generate(event.caseId(), "finalized by " + users.printedName(event.signedOutBy())
                .filter(name -> !name.isBlank()).orElse(event.signedOutBy()));
    }

    @EventListener
    void onReviewSigned(ReviewSigned event) {
        SignedReview review = event.review();
        if (review.isAmendment() && reports.hasReport(review.caseId())) {
            reports.generate(review.caseId(), "amendment signed by " + review.signerName());
        }
    }
}
