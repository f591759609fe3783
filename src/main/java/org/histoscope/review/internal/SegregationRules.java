package org.histoscope.review.internal;

import org.histoscope.platform.PeopleText;
import java.util.List;
import java.util.Optional;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.review.ReviewRuleException;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/**
 * Segregation of duties for every signature of this feature: who requested work does not sign it, unless the
 * department setting allows it; then the returned setting is recorded with the signature (21 CFR 11.10(g)).
 * Called from the feature's guarded service methods, inside their transactions.
 */
@Component
public class SegregationRules {

    private final PredictionService predictions;
    private final SecuritySettingsService settings;
    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionJobService jobs;
    private final ReviewRepository reviews;
    private final NotAssessableImageRepository notAssessable;

    SegregationRules(PredictionService predictions, SecuritySettingsService settings, CaseService cases,
                     CaseImageService images, PredictionJobService jobs, ReviewRepository reviews,
                     NotAssessableImageRepository notAssessable) {
        this.predictions = predictions;
        this.settings = settings;
        this.cases = cases;
        this.images = images;
        this.jobs = jobs;
        this.reviews = reviews;
        this.notAssessable = notAssessable;
    }

    /** The requester of a prediction does not sign its review. */
    @Unguarded("internal to the review feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Optional<SecuritySettingsService.Setting> ownRequest(String signer, long predictionId) {
        String requester = predictions.find(predictionId).map(StoredPrediction::createdBy).orElse(null);
        if (requester == null || !requester.equalsIgnoreCase(signer)) {
            return Optional.empty();
        }
        return allowedOr(PeopleText.of("refusal.review.segregation-own-request"));
    }

    /**
     * Marking an image not assessable counts toward finalization like a review, so its uploader, or the requester of
     * one of its predictions, does not sign the mark.
     */
    @Unguarded("internal to the review feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Optional<SecuritySettingsService.Setting> ownImage(String signer, ImageSummary image) {
        boolean requestedByMe = signer.equalsIgnoreCase(image.uploadedBy())
                || jobs.jobsForCase(image.caseId()).stream()
                .anyMatch(job -> job.imageId() == image.id() && signer.equalsIgnoreCase(job.requestedBy()));
        if (!requestedByMe) {
            return Optional.empty();
        }
        return allowedOr(PeopleText.of("refusal.review.segregation-own-image"));
    }

    /**
     * Whoever requested any of the case's work (created the case, uploaded an image, requested a prediction) does
     * not finalize the case when every signature on it (reviews and not-assessable marks) is their own.
     */
    @Unguarded("internal to the review feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Optional<SecuritySettingsService.Setting> ownCase(String me, long caseId, List<Long> predictionIds) {
        boolean requestedByMe = cases.findCase(caseId).map(CaseSummary::createdBy).filter(me::equalsIgnoreCase).isPresent()
                || images.imagesOfCase(caseId).stream().anyMatch(image -> me.equalsIgnoreCase(image.uploadedBy()))
                || jobs.jobsForCase(caseId).stream().anyMatch(job -> me.equalsIgnoreCase(job.requestedBy()))
                || predictionIds.stream().map(predictions::find)
                .flatMap(Optional::stream).anyMatch(p -> me.equalsIgnoreCase(p.createdBy()));
        boolean onlyMySignatures = reviews.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream()
                .allMatch(review -> me.equalsIgnoreCase(review.getSignedBy()))
                && notAssessable.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream()
                .allMatch(mark -> me.equalsIgnoreCase(mark.getSignedBy()));
        if (!requestedByMe || !onlyMySignatures) {
            return Optional.empty();
        }
        return allowedOr(PeopleText.of("refusal.review.segregation-only-own-signatures"));
    }

    private Optional<SecuritySettingsService.Setting> allowedOr(PeopleText refusal) {
        SecuritySettingsService.Setting setting = settings.requesterMaySign();
        if (!setting.enabled()) {
            throw new ReviewRuleException(refusal);
        }
        return Optional.of(setting);
    }
}
