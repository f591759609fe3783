package org.histoscope.lis.internal;

import java.time.Instant;
import java.util.List;
import org.histoscope.cases.CaseSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.SignedReview;

/**
 * What one ORU^R01 carries: the case (patient, accession), every image result with the review that stands for it
 * (the latest signed one, i.e. an amendment replaces what it amends), and the signed PDF of the report version.
 */
record ReportMessageContent(String controlId, Instant sentAt, CaseSummary caseSummary, int reportVersion,
                            Instant reportCreatedAt, List<Result> results, byte[] pdf) {

    record Result(StoredPrediction prediction, String imageName, SignedReview review) {
    }
}
