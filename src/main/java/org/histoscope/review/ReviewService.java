package org.histoscope.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.criteria.Predicate;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.users.UserDirectory;
import org.springframework.context.ApplicationEventPublisher;
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
public class ReviewService {

    private static final String REVIEW = "review";

    private final ReviewQueueRepository queue;
    private final ReviewRepository reviews;
    private final CaseService cases;
    private final UserDirectory users;
    private final CurrentUser currentUser;
    private final AuditService audit;
    private final ApplicationEventPublisher events;

    ReviewService(ReviewQueueRepository queue, ReviewRepository reviews, CaseService cases, UserDirectory users,
                  CurrentUser currentUser, AuditService audit, ApplicationEventPublisher events) {
        this.events = events;
        this.queue = queue;
        this.reviews = reviews;
        this.cases = cases;
        this.users = users;
        this.currentUser = currentUser;
        this.audit = audit;
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<QueueEntry> queue(QueueFilter filter, int offset, int limit) {
        Sort sort = Sort.by("reviewed").ascending().and(filter.order() == QueueFilter.QueueOrder.UNCERTAIN
                ? Sort.by("uncertaintyMargin").ascending().and(Sort.by("predictedAt").descending())
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
        return reviews.findByPredictionIdOrderBySignedAtAscIdAsc(predictionId).stream().map(Review::toSigned).toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<SignedReview> reviewsOfCase(long caseId) {
        return reviews.findByCaseIdOrderBySignedAtAscIdAsc(caseId).stream().map(Review::toSigned).toList();
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
        String finalLabel = request.finalLabel().trim();
        if (request.decision() == ReviewDecision.AGREE && !finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException("To agree, keep the model's label (" + item.getPredictedLabel()
                    + "); choose Override to change it.");
        }
        if (request.decision() == ReviewDecision.OVERRIDE && finalLabel.equalsIgnoreCase(item.getPredictedLabel())) {
            throw new ReviewRuleException("An override needs a label different from the model's.");
        }
        String printedName = users.printedName(signer).filter(name -> !name.isBlank()).orElse(signer);
        Review review = reviews.saveAndFlush(new Review(request.predictionId(), item.getCaseId(), request.decision(),
                item.getPredictedLabel(), finalLabel, request.finalDiagnosis().trim(), blankToNull(request.comment()),
                signer, printedName, Instant.now(), request.meaning(), request.amendsReviewId()));
        item.reviewedBy(review);
        audit.recordForCase(request.amendsReviewId() == null ? ReviewAuditAction.REVIEW_SIGNED : ReviewAuditAction.REVIEW_AMENDED,
                REVIEW, review.getId().toString(), item.getCaseId(),
                Map.of("predictionId", request.predictionId(), "decision", request.decision().name(),
                        "finalLabel", finalLabel, "signer", printedName, "meaning", request.meaning().label(),
                        "signedAtUtc", review.getSignedAt().toString(),
                        "amends", request.amendsReviewId() == null ? "" : request.amendsReviewId()));
        events.publishEvent(new ReviewSigned(review.toSigned()));
        return review.toSigned();
    }

    /** True when the case has results and every one of them carries a signed review. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public boolean readyForSignOut(long caseId) {
        List<ReviewQueueItem> items = queue.findByCaseIdOrderByPredictedAtAsc(caseId);
        return !items.isEmpty() && items.stream().allMatch(ReviewQueueItem::isReviewed);
    }

    @Transactional
    @RolesAllowed(Roles.REVIEWER)
    public CaseSummary signOutCase(long caseId) {
        List<ReviewQueueItem> items = queue.findByCaseIdOrderByPredictedAtAsc(caseId);
        if (items.isEmpty()) {
            throw new ReviewRuleException("The case has no results to sign out.");
        }
        long unsigned = items.stream().filter(item -> !item.isReviewed()).count();
        if (unsigned > 0) {
            throw new ReviewRuleException(unsigned + " result(s) of this case are not signed yet.");
        }
        audit.recordForCase(ReviewAuditAction.CASE_SIGN_OUT_REQUESTED, "case", String.valueOf(caseId), caseId,
                Map.of("signedResults", items.size()));
        return cases.markSignedOut(caseId);
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
