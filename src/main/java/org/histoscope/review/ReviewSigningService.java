package org.histoscope.review;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.security.Roles;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.review.internal.Review;
import org.histoscope.review.internal.ReviewAuditAction;
import org.histoscope.review.internal.ReviewQueueItem;
import org.histoscope.review.internal.ReviewQueueRepository;
import org.histoscope.review.internal.ReviewRepository;
import org.histoscope.review.internal.SegregationException;
import org.histoscope.review.internal.SegregationExceptionRepository;
import org.histoscope.review.internal.SegregationRules;
import org.histoscope.review.internal.Signatures;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * Signed reviews of single results. Signing follows 21 CFR 11: the signer re-enters their password (11.200), and
 * the record carries their printed name, the UTC date-time and the meaning (11.50).
 */
@Service
@Validated
@RolesAllowed(Roles.REVIEWER)
public class ReviewSigningService {

    private static final String REVIEW = "review";

    private final ReviewQueueRepository queue;
    private final ReviewRepository reviews;
    private final SegregationExceptionRepository exceptions;
    private final SegregationRules segregation;
    private final Signatures signatures;
    private final AuditService audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    ReviewSigningService(ReviewQueueRepository queue, ReviewRepository reviews,
                         SegregationExceptionRepository exceptions, SegregationRules segregation, Signatures signatures,
                         AuditService audit, ApplicationEventPublisher events, Clock clock) {
        this.queue = queue;
        this.reviews = reviews;
        this.exceptions = exceptions;
        this.segregation = segregation;
        this.signatures = signatures;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Records and signs a review. The password is checked first; a wrong one is audited and signs nothing.
     * A prediction is reviewed once; any later correction must name the review it amends (the latest one).
     */
    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.REVIEWER)
    public SignedReview sign(@Valid ReviewRequest request, String password) {
        long caseId = queue.findById(request.predictionId()).map(ReviewQueueItem::getCaseId)
                .orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.result-review-queue")));
        String signer = signatures.verifiedSigner(password, REVIEW, String.valueOf(request.predictionId()), caseId);
        ReviewQueueItem item = queue.findById(request.predictionId())
                .orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.result-review-queue")));
        checkAmendment(item, request.amendsReviewId());
        Optional<SecuritySettingsService.Setting> exception = segregation.ownRequest(signer, request.predictionId());
        String finalLabel = request.finalLabel().trim();
        if (request.decision() == ReviewDecision.AGREE && !finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.agree-keep-model-s-label", String.valueOf(item.getPredictedLabel())));
        }
        if (request.decision() == ReviewDecision.OVERRIDE && finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.override-needs-label-different-from"));
        }
        if (item.isOutOfDomain() && !request.outOfDomainAcknowledged()) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.result-lies-outside-model-s"));
        }
        String printedName = signatures.printedName(signer);
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
            throw new ReviewRuleException(PeopleText.of("refusal.review.another-reviewer-signed-result-moment"));
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

    private void checkAmendment(ReviewQueueItem item, Long amendsReviewId) {
        if (amendsReviewId == null) {
            if (item.isReviewed()) {
                throw new ReviewRuleException(PeopleText.of("refusal.review.result-already-signed-signed-review"));
            }
        } else if (!amendsReviewId.equals(item.getLatestReviewId())) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.latest-signed-review-result-amended"));
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
