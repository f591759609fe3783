package org.histoscope.reports;

import java.time.Instant;
import java.util.List;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.SignedReview;

/** Everything a report version shows, gathered from the features' services before any page is drawn. */
record ReportContent(int version, String reason, Instant generatedAt, String generatedBy, CaseSummary caseSummary,
                     List<ImageSection> images, List<ModelUse> models, List<SignedReview> amendments) {

    record ImageSection(ImageSummary image, byte[] thumbnailPng, List<PredictionSection> predictions) {
    }

    record PredictionSection(StoredPrediction prediction, byte[] heatmapPng, List<SignedReview> reviews) {
    }

    /** A model that made one of the case's predictions, with its card's intended-use line. */
    record ModelUse(String modelId, String version, String intendedUse) {
    }
}
