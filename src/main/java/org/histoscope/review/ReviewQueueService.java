package org.histoscope.review;

import jakarta.annotation.security.RolesAllowed;
import jakarta.persistence.criteria.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.Roles;
import org.histoscope.review.internal.Review;
import org.histoscope.review.internal.ReviewQueueItem;
import org.histoscope.review.internal.ReviewQueueRepository;
import org.histoscope.review.internal.ReviewRepository;
import org.histoscope.review.internal.SegregationException;
import org.histoscope.review.internal.SegregationExceptionRepository;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The review queue and the signed reviews, read only: reviewers work the queue, pathologists read it. */
@Service
@RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
public class ReviewQueueService {

    private final ReviewQueueRepository queue;
    private final ReviewRepository reviews;
    private final SegregationExceptionRepository exceptions;
    private final CaseReadAccess caseAccess;

    ReviewQueueService(ReviewQueueRepository queue, ReviewRepository reviews,
                       SegregationExceptionRepository exceptions, CaseReadAccess caseAccess) {
        this.queue = queue;
        this.reviews = reviews;
        this.exceptions = exceptions;
        this.caseAccess = caseAccess;
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

    /** The results nobody has reviewed yet, the longest waiting first (the reviewers' worklist). */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<QueueEntry> waitingForReview(int limit) {
        Pageable page = PageRequest.of(0, Math.max(limit, 1), Sort.by("predictedAt").ascending()
                .and(Sort.by("predictionId").ascending()));
        return queue.findAll(matching(new QueueFilter(false, null, null, null, null, false, QueueFilter.QueueOrder.NEWEST)),
                page).map(ReviewQueueItem::toEntry).getContent();
    }

    /** How many results nobody has reviewed yet (the navigation's count); one count query. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public long countWaitingForReview() {
        return queue.count(matching(new QueueFilter(false, null, null, null, null, false, QueueFilter.QueueOrder.NEWEST)));
    }

    /**
     * The newest results of these cases, reviewed or not, for a pathologist's worklist (pathologists read every
     * case); one query for all cases.
     */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public List<QueueEntry> newestOfCases(java.util.Collection<Long> caseIds, int limit) {
        if (caseIds.isEmpty()) {
            return List.of();
        }
        return queue.findByCaseIdInOrderByPredictedAtDescPredictionIdDesc(caseIds, PageRequest.of(0, Math.max(limit, 1)))
                .stream().map(ReviewQueueItem::toEntry).toList();
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
}
