package org.histoscope.review;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.platform.FreeText;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.Roles;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.review.internal.NotAssessableImage;
import org.histoscope.review.internal.NotAssessableImageRepository;
import org.histoscope.review.internal.ReviewAuditAction;
import org.histoscope.review.internal.ReviewQueueRepository;
import org.histoscope.review.internal.SegregationException;
import org.histoscope.review.internal.SegregationExceptionRepository;
import org.histoscope.review.internal.SegregationRules;
import org.histoscope.review.internal.Signatures;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A reviewer's signed statement that an image cannot be assessed (its prediction failed, or found nothing to
 * classify), so that the case can be finalized without a result for it. Signed like a review.
 */
@Service
@RolesAllowed(Roles.REVIEWER)
public class NotAssessableService {

    private final NotAssessableImageRepository notAssessable;
    private final ReviewQueueRepository queue;
    private final SegregationExceptionRepository exceptions;
    private final SegregationRules segregation;
    private final Signatures signatures;
    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionJobService jobs;
    private final CaseReadAccess caseAccess;
    private final AuditService audit;
    private final Clock clock;

    NotAssessableService(NotAssessableImageRepository notAssessable, ReviewQueueRepository queue,
                         SegregationExceptionRepository exceptions, SegregationRules segregation, Signatures signatures,
                         CaseService cases, CaseImageService images, PredictionJobService jobs,
                         CaseReadAccess caseAccess, AuditService audit, Clock clock) {
        this.notAssessable = notAssessable;
        this.queue = queue;
        this.exceptions = exceptions;
        this.segregation = segregation;
        this.signatures = signatures;
        this.cases = cases;
        this.images = images;
        this.jobs = jobs;
        this.caseAccess = caseAccess;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.REVIEWER)
    public NotAssessableMark markNotAssessable(long imageId, String reason, SignatureMeaning meaning, String password) {
        String cleanReason = FreeText.clean(reason);
        ImageSummary image = images.findImage(imageId)
                .orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.image-longer-exists")));
        caseAccess.requireRead(image.caseId());
        String signer = signatures.verifiedSigner(password, "case_image", String.valueOf(imageId), image.caseId());
        if (cleanReason == null || cleanReason.isBlank()) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.say-why-image-cannot-assessed"));
        }
        if (meaning == null) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.choose-meaning-signature"));
        }
        cases.lockForFinalization(image.caseId());
        if (jobs.jobsForCase(image.caseId()).stream().anyMatch(job -> job.imageId() == imageId
                && (job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING))) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.prediction-still-queued-running-wait", String.valueOf(image.originalFilename())));
        }
        if (queue.findByCaseIdOrderByPredictedAtAsc(image.caseId()).stream().anyMatch(i -> i.getImageId() == imageId)) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.result-review-review-instead", String.valueOf(image.originalFilename())));
        }
        if (notAssessable.existsByImageId(imageId)) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.already-marked-assessable", String.valueOf(image.originalFilename())));
        }
        Optional<SecuritySettingsService.Setting> exception = segregation.ownImage(signer, image);
        String printedName = signatures.printedName(signer);
        NotAssessableImage mark = notAssessable.saveAndFlush(new NotAssessableImage(image.caseId(), imageId,
                cleanReason.trim(), signer, printedName, clock.instant(), meaning));
        exception.ifPresent(setting -> exceptions.saveAndFlush(SegregationException.forMark(mark.getId(),
                image.caseId(), signer, setting.changedBy(), setting.changedAt(), clock.instant())));
        NotAssessableMark signed = withNote(mark);
        audit.recordForCase(ReviewAuditAction.IMAGE_MARKED_NOT_ASSESSABLE, "case_image", String.valueOf(imageId),
                image.caseId(), Map.of("fileName", image.originalFilename(), "reason", cleanReason.trim(),
                        "signer", printedName, "meaning", meaning.label(), "signedAtUtc", signed.signedAt().toString(),
                        "signedOwnRequest", exception.isPresent()));
        return signed;
    }

    /** The case's signed not-assessable marks, oldest first, each with its segregation-of-duties note if any. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<NotAssessableMark> notAssessableOfCase(long caseId) {
        caseAccess.requireRead(caseId);
        return notAssessable.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream().map(this::withNote).toList();
    }

    private NotAssessableMark withNote(NotAssessableImage mark) {
        String imageName = images.findImage(mark.getImageId()).map(ImageSummary::originalFilename).orElse("");
        return mark.toMark(imageName,
                exceptions.findByNotAssessableId(mark.getId()).map(SegregationException::note).orElse(null));
    }
}
