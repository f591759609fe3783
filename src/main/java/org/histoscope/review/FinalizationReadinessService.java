package org.histoscope.review;

import jakarta.annotation.security.RolesAllowed;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseWork;
import org.histoscope.security.Roles;
import org.histoscope.review.internal.ReviewQueueRepository;
import org.histoscope.review.internal.NotAssessableImageRepository;
import org.histoscope.review.internal.ReviewQueueItem;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which of many cases are ready to be finalized, for the pathologists' worklist, by the rule of
 * {@link CaseFinalizationService#finalizationCheck} (nothing queued or running, every result signed, every image
 * without a result marked not assessable) in two queries for all cases instead of one check per case.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class FinalizationReadinessService {

    private final ReviewQueueRepository queue;
    private final NotAssessableImageRepository notAssessable;

    FinalizationReadinessService(ReviewQueueRepository queue, NotAssessableImageRepository notAssessable) {
        this.queue = queue;
        this.notAssessable = notAssessable;
    }

    /** The ids of the cases among {@code cases} (as read by cases.CaseWorkService) that can be finalized now. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Set<Long> readyAmong(Collection<CaseWork> cases) {
        List<CaseWork> candidates = cases.stream()
                .filter(c -> c.caseSummary().status() == CaseStatus.IN_REVIEW && c.pendingJobs() == 0
                        && !c.imageIds().isEmpty())
                .toList();
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Set<Long> ids = candidates.stream().map(CaseWork::caseId).collect(Collectors.toSet());
        List<ReviewQueueItem> items = queue.findByCaseIdIn(ids);
        Set<Long> unsigned = items.stream().filter(item -> !item.isReviewed()).map(ReviewQueueItem::getCaseId)
                .collect(Collectors.toSet());
        Set<Long> settledImages = new HashSet<>(notAssessable.markedImageIdsOfCases(ids));
        items.forEach(item -> settledImages.add(item.getImageId()));
        Set<Long> ready = new LinkedHashSet<>();
        for (CaseWork c : candidates) {
            if (!unsigned.contains(c.caseId()) && settledImages.containsAll(c.imageIds())) {
                ready.add(c.caseId());
            }
        }
        return ready;
    }
}
