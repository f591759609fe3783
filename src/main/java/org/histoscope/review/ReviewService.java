package org.histoscope.review;

import org.histoscope.platform.FreeText;

import java.time.Clock;
import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.criteria.Predicate;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.users.UserDirectory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * The review queue, signed reviews and case sign-out. Signing follows 21 CFR 11: the signer re-enters their
 * password (11.200), and the record carries their printed name, the UTC date-time and the meaning (11.50).
 */
@Service
@Validated
@RolesAllowed(Roles.REVIEWER)
public class ReviewService {

    private static final String REVIEW = "review";

    private final ReviewQueueRepository queue;
    private final ReviewRepository reviews;
    private final CaseService cases;
    private final NotAssessableImageRepository notAssessable;
    private final CaseImageService images;
    private final PredictionJobService jobs;
    private final UserDirectory users;
    private final CurrentUser currentUser;
    private final AuditService audit;
    private final PredictionService predictions;
    private final SecuritySettingsService settings;
    private final SegregationExceptionRepository exceptions;
    private final CaseReadAccess caseAccess;
    private final ApplicationEventPublisher events;

    private final Clock clock;

    ReviewService(ReviewQueueRepository queue, ReviewRepository reviews, NotAssessableImageRepository notAssessable,
                  CaseService cases, CaseImageService images, PredictionJobService jobs, UserDirectory users,
                  CurrentUser currentUser, AuditService audit, PredictionService predictions,
                  SecuritySettingsService settings, SegregationExceptionRepository exceptions,
                  CaseReadAccess caseAccess, ApplicationEventPublisher events, Clock clock) {
        this.clock = clock;
        this.events = events;
        this.predictions = predictions;
        this.settings = settings;
        this.exceptions = exceptions;
        this.caseAccess = caseAccess;
        this.queue = queue;
        this.reviews = reviews;
        this.notAssessable = notAssessable;
        this.cases = cases;
        this.images = images;
        this.jobs = jobs;
        this.users = users;
        this.currentUser = currentUser;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<QueueEntry> queue(QueueFilter filter, int offset, int limit) {
        Sort sort = Sort.by("reviewed").ascending().and(filter.order() == QueueFilter.QueueOrder.UNCERTAIN
                ? Sort.by("indeterminate").descending().and(Sort.by("uncertaintyMargin").ascending())
                        .and(Sort.by("predictedAt").descending())
                : Sort.by("predictedAt").descending()).and(Sort.by("predictionId").descending());
        Pageable page = PageRequest.of(offset / Math.max(limit, 1), Math.max(limit, 1), sort);
        return queue.findAll(matching(filter), page).map(ReviewQueueItem::toEntry).getContent();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public long countQueue(QueueFilter filter) {
        return queue.count(matching(filter));
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public Optional<QueueEntry> entry(long predictionId) {
        return queue.findById(predictionId).map(ReviewQueueItem::toEntry);
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<QueueEntry> entriesOfCase(long caseId) {
        caseAccess.requireRead(caseId);
        return queue.findByCaseIdOrderByPredictedAtAsc(caseId).stream().map(ReviewQueueItem::toEntry).toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<String> modelNames() {
        return queue.distinctModelNames();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<String> labels() {
        return queue.distinctLabels();
    }

    /** Every signed review of the prediction, the original first, then its amendments. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<SignedReview> reviewsOf(long predictionId) {
        return withNotes(reviews.findByPredictionIdOrderBySignedAtAscIdAsc(predictionId));
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<SignedReview> reviewsOfCase(long caseId) {
        caseAccess.requireRead(caseId);
        return withNotes(reviews.findByCaseIdOrderBySignedAtAscIdAsc(caseId));
    }

    private List<SignedReview> withNotes(List<Review> signed) {
        return signed.stream().map(review -> review.toSigned(exceptions.findByReviewId(review.getId())
                .map(SegregationException::note).orElse(null))).toList();
    }

    /**
     * Records and signs a review. The password is checked first; a wrong one is audited and signs nothing.
     * A prediction is reviewed once; any later correction must name the review it amends (the latest one).
     */
    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.REVIEWER)
    public SignedReview sign(@Valid ReviewRequest request, String password) {
        String signer = currentUser.username().orElseThrow(() -> new ReviewRuleException("Sign in to sign a review."));
        if (password == null || !users.verifyPassword(signer, password)) {
            audit.recordForCase(ReviewAuditAction.SIGNATURE_REJECTED, REVIEW, String.valueOf(request.predictionId()),
                    caseOf(request.predictionId()), Map.of("reason", "wrong password"));
            throw new SignatureRejectedException();
        }
        ReviewQueueItem item = queue.findById(request.predictionId())
                .orElseThrow(() -> new ReviewRuleException("This result is not in the review queue."));
        checkAmendment(item, request.amendsReviewId());
        Optional<SecuritySettingsService.Setting> exception = ownRequestException(signer, request.predictionId());
        String finalLabel = request.finalLabel().trim();
        if (request.decision() == ReviewDecision.AGREE && !finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException("To agree, keep the model's label (" + item.getPredictedLabel()
                    + "); choose Override to change it.");
        }
        if (request.decision() == ReviewDecision.OVERRIDE && finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException("An override needs a label different from the model's.");
        }
        if (item.isOutOfDomain() && !request.outOfDomainAcknowledged()) {
            throw new ReviewRuleException("This result lies outside the model's training domain: acknowledge the "
                    + "warning before signing.");
        }
        String printedName = users.printedName(signer).filter(name -> !name.isBlank()).orElse(signer);
        Review review;
        try {
            review = reviews.saveAndFlush(new Review(request.predictionId(), item.getCaseId(), request.decision(),
                    item.getPredictedLabel(), finalLabel, request.finalDiagnosis().trim(), blankToNull(request.comment()),
                    signer, printedName, clock.instant(), request.meaning(), request.amendsReviewId())
                    .withOutOfDomainAcknowledged(item.isOutOfDomain() && request.outOfDomainAcknowledged()));
            item.reviewedBy(review);
            queue.saveAndFlush(item);
        } catch (DataIntegrityViolationException | OptimisticLockingFailureException e) {
            // another reviewer signed (or amended) this result at the same moment; theirs stands
            throw new ReviewRuleException("Another reviewer signed this result a moment ago. "
                    + "Reload it to see their review; amend it if you disagree.");
        }
        exception.ifPresent(setting -> exceptions.save(new SegregationException(review.getId(), item.getCaseId(),
                SegregationException.Kind.SIGNED_OWN_REQUEST, signer, setting.changedBy(), setting.changedAt(),
                clock.instant())));
        audit.recordForCase(request.amendsReviewId() == null ? ReviewAuditAction.REVIEW_SIGNED : ReviewAuditAction.REVIEW_AMENDED,
                REVIEW, review.getId().toString(), item.getCaseId(),
                Map.of("predictionId", request.predictionId(), "decision", request.decision().name(),
                        "finalLabel", finalLabel, "signer", printedName, "meaning", request.meaning().label(),
                        "signedAtUtc", review.getSignedAt().toString(),
                        "amends", request.amendsReviewId() == null ? "" : request.amendsReviewId(),
                        "signedOwnRequest", exception.isPresent(),
                        "outOfDomainAcknowledged", review.isOutOfDomainAcknowledged()));
        SignedReview signed = review.toSigned(exception.isPresent()
                ? exceptions.findByReviewId(review.getId()).map(SegregationException::note).orElse(null) : null);
        events.publishEvent(new ReviewSigned(signed));
        return signed;
    }

    /**
     * A case can be signed out only when every image is settled: nothing of it is queued or running, every result
     * of it carries a signed review, and an image without a result to review (its prediction failed or found nothing
     * to classify) is marked not assessable by a reviewer's signature.
     */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public SignOutCheck signOutCheck(long caseId) {
        caseAccess.requireRead(caseId);
        List<ImageSummary> caseImages = images.imagesOfCase(caseId);
        List<JobSummary> caseJobs = jobs.jobsForCase(caseId);
        List<ReviewQueueItem> items = queue.findByCaseIdOrderByPredictedAtAsc(caseId);
        List<NotAssessableMark> marks = notAssessable.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream()
                .map(this::withNote).toList();
        Set<Long> marked = marks.stream().map(NotAssessableMark::imageId).collect(Collectors.toSet());
        Set<Long> withResult = items.stream().map(ReviewQueueItem::getImageId).collect(Collectors.toSet());
        List<String> blockers = new ArrayList<>();
        List<ImageSummary> markable = new ArrayList<>();
        if (caseImages.isEmpty()) {
            blockers.add("The case has no images.");
        }
        for (ImageSummary image : caseImages) {
            List<JobSummary> ofImage = caseJobs.stream().filter(job -> job.imageId() == image.id()).toList();
            if (ofImage.stream().anyMatch(ReviewService::inFlight)) {
                blockers.add(image.originalFilename() + ": its prediction is still queued or running.");
            } else if (!withResult.contains(image.id()) && !marked.contains(image.id())) {
                markable.add(image);
                blockers.add(image.originalFilename() + (ofImage.stream().anyMatch(job -> job.status() == JobStatus.FAILED)
                        ? ": its prediction failed. Retry it, or mark the image not assessable."
                        : ": it has no result to review. Mark the image not assessable, or run a prediction."));
            }
        }
        long unsigned = items.stream().filter(item -> !item.isReviewed()).count();
        if (unsigned > 0) {
            blockers.add(unsigned + " result(s) of this case are not signed yet.");
        }
        return new SignOutCheck(List.copyOf(blockers), List.copyOf(markable), marks);
    }

    /** True when {@link #signOutCheck} finds nothing in the way. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public boolean readyForSignOut(long caseId) {
        return signOutCheck(caseId).ready();
    }

    /**
     * Signs the case out after the checks of {@link #signOutCheck}, made while the case is locked, so that no job
     * result, upload or re-run slips in between the check and the sign-out.
     */
    @Transactional
    @RolesAllowed(Roles.REVIEWER)
    public CaseSummary signOutCase(long caseId) {
        cases.lockForSignOut(caseId);
        SignOutCheck check = signOutCheck(caseId);
        if (!check.ready()) {
            throw new ReviewRuleException("The case cannot be signed out yet. " + String.join(" ", check.blockers()));
        }
        List<ReviewQueueItem> items = queue.findByCaseIdOrderByPredictedAtAsc(caseId);
        String me = currentUser.username().orElseThrow(() -> new ReviewRuleException("Sign in to sign out a case."));
        Optional<SecuritySettingsService.Setting> exception = ownCaseException(me, caseId, items);
        exception.ifPresent(setting -> exceptions.save(new SegregationException(null, caseId,
                SegregationException.Kind.SIGNED_OUT_OWN_CASE, me, setting.changedBy(), setting.changedAt(),
                clock.instant())));
        audit.recordForCase(ReviewAuditAction.CASE_SIGN_OUT_REQUESTED, "case", String.valueOf(caseId), caseId,
                Map.of("signedResults", items.size(), "notAssessableImages", check.notAssessable().size(),
                        "signedOutOwnCase", exception.isPresent()));
        return cases.markSignedOut(caseId);
    }

    /**
     * Records a reviewer's signed statement that an image cannot be assessed (its prediction failed, or found
     * nothing to classify), so that the case can be signed out without a result for it. Signed like a review.
     */
    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.REVIEWER)
    public NotAssessableMark markNotAssessable(long imageId, String reason, SignatureMeaning meaning, String password) {
        reason = FreeText.clean(reason);
        String signer = currentUser.username().orElseThrow(() -> new ReviewRuleException("Sign in to sign."));
        ImageSummary image = images.findImage(imageId)
                .orElseThrow(() -> new ReviewRuleException("The image no longer exists."));
        caseAccess.requireRead(image.caseId());
        if (password == null || !users.verifyPassword(signer, password)) {
            audit.recordForCase(ReviewAuditAction.SIGNATURE_REJECTED, "case_image", String.valueOf(imageId),
                    image.caseId(), Map.of("reason", "wrong password"));
            throw new SignatureRejectedException();
        }
        if (reason == null || reason.isBlank()) {
            throw new ReviewRuleException("Say why the image cannot be assessed.");
        }
        if (meaning == null) {
            throw new ReviewRuleException("Choose the meaning of the signature.");
        }
        cases.lockForSignOut(image.caseId());
        if (jobs.jobsForCase(image.caseId()).stream().anyMatch(job -> job.imageId() == imageId && inFlight(job))) {
            throw new ReviewRuleException("The prediction for " + image.originalFilename()
                    + " is still queued or running; wait for its result.");
        }
        if (queue.findByCaseIdOrderByPredictedAtAsc(image.caseId()).stream().anyMatch(i -> i.getImageId() == imageId)) {
            throw new ReviewRuleException(image.originalFilename() + " has a result to review; review that instead.");
        }
        if (notAssessable.existsByImageId(imageId)) {
            throw new ReviewRuleException(image.originalFilename() + " is already marked not assessable.");
        }
        Optional<SecuritySettingsService.Setting> exception = ownImageException(signer, image);
        String printedName = users.printedName(signer).filter(name -> !name.isBlank()).orElse(signer);
        NotAssessableImage mark = notAssessable.saveAndFlush(new NotAssessableImage(image.caseId(), imageId,
                reason.trim(), signer, printedName, clock.instant(), meaning));
        exception.ifPresent(setting -> exceptions.saveAndFlush(SegregationException.forMark(mark.getId(),
                image.caseId(), signer, setting.changedBy(), setting.changedAt(), clock.instant())));
        NotAssessableMark signed = withNote(mark);
        audit.recordForCase(ReviewAuditAction.IMAGE_MARKED_NOT_ASSESSABLE, "case_image", String.valueOf(imageId),
                image.caseId(), Map.of("fileName", image.originalFilename(), "reason", reason.trim(),
                        "signer", printedName, "meaning", meaning.label(), "signedAtUtc", signed.signedAt().toString(),
                        "signedOwnRequest", exception.isPresent()));
        return signed;
    }

    /**
     * The note of a case signed out under the segregation-of-duties exception (every signature the requester's own),
     * for the case page and the report; empty when someone else's signature is on the case.
     */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public Optional<String> signOutSegregationNote(long caseId) {
        caseAccess.requireRead(caseId);
        return exceptions.findByCaseId(caseId).stream()
                .filter(exception -> exception.getKind() == SegregationException.Kind.SIGNED_OUT_OWN_CASE)
                .map(SegregationException::note).reduce((first, later) -> later);
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

    private static boolean inFlight(JobSummary job) {
        return job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING;
    }

    /**
     * Segregation of duties: the requester of a prediction does not sign it, unless the department setting allows
     * it; then the returned setting is recorded with the signature.
     */
    private Optional<SecuritySettingsService.Setting> ownRequestException(String signer, long predictionId) {
        String requester = predictions.find(predictionId).map(StoredPrediction::createdBy).orElse(null);
        if (requester == null || !requester.equalsIgnoreCase(signer)) {
            return Optional.empty();
        }
        SecuritySettingsService.Setting setting = settings.requesterMaySign();
        if (!setting.enabled()) {
            throw new ReviewRuleException("You requested this prediction, so another reviewer must sign it "
                    + "(segregation of duties). An administrator can allow this for small departments.");
        }
        return Optional.of(setting);
    }

    /**
     * Marking an image not assessable counts toward sign-out like a review, so its uploader, or the requester of one
     * of its predictions, does not sign the mark unless the department setting allows it.
     */
    private Optional<SecuritySettingsService.Setting> ownImageException(String signer, ImageSummary image) {
        boolean requestedByMe = signer.equalsIgnoreCase(image.uploadedBy())
                || jobs.jobsForCase(image.caseId()).stream()
                .anyMatch(job -> job.imageId() == image.id() && signer.equalsIgnoreCase(job.requestedBy()));
        if (!requestedByMe) {
            return Optional.empty();
        }
        SecuritySettingsService.Setting setting = settings.requesterMaySign();
        if (!setting.enabled()) {
            throw new ReviewRuleException("You uploaded this image or requested its prediction, so another reviewer "
                    + "must mark it not assessable (segregation of duties). An administrator can allow this for small "
                    + "departments.");
        }
        return Optional.of(setting);
    }

    /**
     * Whoever requested any of the case's work (created the case, uploaded an image, requested a prediction) does
     * not sign the case out when every signature on it (reviews and not-assessable marks) is their own.
     */
    private Optional<SecuritySettingsService.Setting> ownCaseException(String me, long caseId,
                                                                       List<ReviewQueueItem> items) {
        boolean requestedByMe = cases.findCase(caseId).map(CaseSummary::createdBy).filter(me::equalsIgnoreCase).isPresent()
                || images.imagesOfCase(caseId).stream().anyMatch(image -> me.equalsIgnoreCase(image.uploadedBy()))
                || jobs.jobsForCase(caseId).stream().anyMatch(job -> me.equalsIgnoreCase(job.requestedBy()))
                || items.stream().map(item -> predictions.find(item.getPredictionId()))
                .flatMap(Optional::stream).anyMatch(p -> me.equalsIgnoreCase(p.createdBy()));
        boolean onlyMySignatures = reviews.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream()
                .allMatch(review -> me.equalsIgnoreCase(review.getSignedBy()))
                && notAssessable.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream()
                .allMatch(mark -> me.equalsIgnoreCase(mark.getSignedBy()));
        if (!requestedByMe || !onlyMySignatures) {
            return Optional.empty();
        }
        SecuritySettingsService.Setting setting = settings.requesterMaySign();
        if (!setting.enabled()) {
            throw new ReviewRuleException("Every signature on this case is yours and you requested its work; "
                    + "another reviewer must sign it out (segregation of duties).");
        }
        return Optional.of(setting);
    }

    private void checkAmendment(ReviewQueueItem item, Long amendsReviewId) {
        if (amendsReviewId == null) {
            if (item.isReviewed()) {
                throw new ReviewRuleException("This result is already signed; a signed review cannot be changed. "
                        + "Record an amendment instead.");
            }
        } else if (!amendsReviewId.equals(item.getLatestReviewId())) {
            throw new ReviewRuleException("Only the latest signed review of this result can be amended.");
        }
    }

    private long caseOf(long predictionId) {
        return queue.findById(predictionId).map(ReviewQueueItem::getCaseId)
                .orElseThrow(() -> new ReviewRuleException("This result is not in the review queue."));
    }

    private static Specification<ReviewQueueItem> matching(QueueFilter filter) {
        return (root, query, cb) -> {
            List<Predicate> where = new ArrayList<>();
            if (filter.reviewed() != null) {
                where.add(cb.equal(root.get("reviewed"), filter.reviewed()));
            }
            if (filter.modelName() != null && !filter.modelName().isBlank()) {
                where.add(cb.equal(root.get("modelName"), filter.modelName()));
            }
            if (filter.label() != null && !filter.label().isBlank()) {
                where.add(cb.equal(root.get("predictedLabel"), filter.label()));
            }
            if (filter.from() != null) {
                where.add(cb.greaterThanOrEqualTo(root.get("predictedAt"), filter.from()));
            }
            if (filter.to() != null) {
                where.add(cb.lessThan(root.get("predictedAt"), filter.to()));
            }
            if (filter.disagreement()) {
                where.add(cb.isTrue(root.get("disagreement")));
            }
            return cb.and(where.toArray(Predicate[]::new));
        };
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
