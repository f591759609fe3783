package org.histoscope.fhir.internal;

import java.util.List;
import org.histoscope.cases.CaseSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.review.SignedReview;

/**
 * What the FHIR resources of one report version are made of: the case, the version, and every image result with the
 * review that stood for it when the version was made (an amendment replaces what it amends).
 */
public record ReportVersionContent(CaseSummary caseSummary, CaseReportVersion version, boolean newest,
                            List<Result> results) {

    record Result(StoredPrediction prediction, String imageName, SignedReview review) {
    }
}
