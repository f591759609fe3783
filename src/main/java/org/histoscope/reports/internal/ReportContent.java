package org.histoscope.reports.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.FinalDiagnosis;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.SignedReview;

/**
 * Everything a report version shows, gathered from the features' services before any page is drawn.
 *
 * @param finalDiagnoses every signed version of the case-level final diagnosis, the finalization first
 * @param printedNames the printed name of each login the report mentions (uploader, assigned pathologist, author)
 */
public record ReportContent(int version, String reason, Instant generatedAt, String generatedBy, CaseSummary caseSummary,
                     List<FinalDiagnosis> finalDiagnoses, String finalizationSegregationNote, List<ImageSection> images, List<ModelUse> models,
                     List<SignedReview> amendments, Map<String, String> printedNames) {

    /** The printed name of a login, the login itself when the account has none. */
    String printed(String login) {
        return login == null ? null : printedNames.getOrDefault(login, login);
    }

    public record ImageSection(ImageSummary image, byte[] thumbnailPng, List<PredictionSection> predictions,
                        List<NotAssessableMark> notAssessable) {
    }

    public record PredictionSection(StoredPrediction prediction, byte[] heatmapPng, List<SignedReview> reviews) {
    }

    /** A model that made one of the case's predictions, with its card's intended-use line. */
    public record ModelUse(String modelId, String version, String intendedUse) {
    }
}
