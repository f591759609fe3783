package org.histoscope.fhir.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.reports.CaseReportService;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.SignedReview;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/** Gathers a report version's content through the features' services (so their role and case rules apply). */
@Component
public class ReportVersionReader {

    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionService predictions;
    private final ReviewQueueService reviews;
    private final CaseReportService reports;

    ReportVersionReader(CaseService cases, CaseImageService images, PredictionService predictions,
                        ReviewQueueService reviews, CaseReportService reports) {
        this.cases = cases;
        this.images = images;
        this.predictions = predictions;
        this.reviews = reviews;
        this.reports = reports;
    }

    @Unguarded("internal to the fhir feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Optional<ReportVersionContent> content(long caseId, int version) {
        Optional<CaseSummary> found = cases.findCase(caseId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        List<CaseReportVersion> versions = reports.versions(caseId);
        Optional<CaseReportVersion> wanted = versions.stream().filter(v -> v.version() == version).findFirst();
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        CaseReportVersion made = wanted.get();
        // the review that stood when this version was made: the latest signed by then (an amendment replaces it)
        Map<Long, SignedReview> standing = reviews.reviewsOfCase(caseId).stream()
                .filter(r -> !r.signedAt().isAfter(made.createdAt()))
                .collect(Collectors.toMap(SignedReview::predictionId, Function.identity(),
                        (a, b) -> Comparator.comparing(SignedReview::signedAt).thenComparing(SignedReview::id)
                                .compare(a, b) >= 0 ? a : b));
        List<ReportVersionContent.Result> results = images.imagesOfCase(caseId).stream()
                .flatMap(image -> predictions.forImage(image.id()).stream()
                        .filter(p -> !p.createdAt().isAfter(made.createdAt()))
                        .sorted(Comparator.comparing(StoredPrediction::id))
                        .map(p -> new ReportVersionContent.Result(p, image.originalFilename(), standing.get(p.id()))))
                .toList();
        boolean newest = versions.stream().mapToInt(CaseReportVersion::version).max().orElse(0) == version;
        return Optional.of(new ReportVersionContent(found.get(), made, newest, results));
    }

}
