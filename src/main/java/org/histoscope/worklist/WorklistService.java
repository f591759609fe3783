package org.histoscope.worklist;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.CaseWork;
import org.histoscope.cases.CaseWorkService;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.review.FinalizationReadinessService;
import org.histoscope.review.QueueEntry;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.status.SystemStatusService;
import org.histoscope.ui.MenuCounts;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Each role's work for the home page and the navigation's counts, gathered from the features' public services in a
 * fixed number of queries per list (never one per row): pathologists their unfinished cases with predictions still
 * running, their newest results and the cases ready to finalize; reviewers the results waiting for review with patient
 * and case; administrators the system's health and the failed jobs.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
public class WorklistService implements MenuCounts {

    static final int CASES = 50;
    static final int RESULTS = 15;
    static final int WAITING = 25;

    private final CaseWorkService caseWork;
    private final ReviewQueueService reviews;
    private final FinalizationReadinessService readiness;
    private final PredictionJobService jobs;
    private final SystemStatusService status;
    private final CurrentUser currentUser;

    WorklistService(CaseWorkService caseWork, ReviewQueueService reviews, FinalizationReadinessService readiness,
                    PredictionJobService jobs, SystemStatusService status, CurrentUser currentUser) {
        this.caseWork = caseWork;
        this.reviews = reviews;
        this.readiness = readiness;
        this.jobs = jobs;
        this.status = status;
        this.currentUser = currentUser;
    }

    /** A pathologist's work: their cases, newest change first, with the results to look at and what can be finalized. */
    public record PathologistWorklist(List<CaseWork> withPendingJobs, List<Result> results,
                                      List<CaseWork> readyToFinalize, long unfinishedCases) {
    }

    /** A result with the case it belongs to. */
    public record Result(QueueEntry entry, CaseSummary caseSummary) {
    }

    /** The results waiting for review, longest waiting first, with their patient and case; {@code total} of them. */
    public record ReviewerWorklist(List<Result> waiting, long total) {
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public PathologistWorklist pathologist() {
        List<CaseSummary> mine = caseWork.myUnfinishedCases(CASES);
        Map<Long, CaseWork> work = caseWork.workOf(mine.stream().map(CaseSummary::id).toList());
        List<CaseWork> pending = work.values().stream().filter(c -> c.pendingJobs() > 0).toList();
        List<Result> results = reviews.newestOfCases(work.keySet(), RESULTS).stream()
                .map(entry -> new Result(entry, work.get(entry.caseId()).caseSummary())).toList();
        Set<Long> ready = readiness.readyAmong(work.values());
        List<CaseWork> readyToFinalize = work.values().stream().filter(c -> ready.contains(c.caseId())).toList();
        return new PathologistWorklist(pending, results, readyToFinalize, caseWork.countMyUnfinishedCases());
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.REVIEWER)
    public ReviewerWorklist reviewer() {
        List<QueueEntry> waiting = reviews.waitingForReview(WAITING);
        Map<Long, CaseWork> cases = caseWork.workOf(new LinkedHashSet<>(waiting.stream().map(QueueEntry::caseId).toList()));
        List<Result> results = new ArrayList<>();
        for (QueueEntry entry : waiting) {
            CaseWork owner = cases.get(entry.caseId());
            if (owner != null) {
                results.add(new Result(entry, owner.caseSummary()));
            }
        }
        return new ReviewerWorklist(results, reviews.countWaitingForReview());
    }

    /** The administrators' view of the system (the status page's figures, failed jobs among them). */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public SystemStatusService.SystemStatus administrator() {
        return status.current();
    }

    /**
     * One count query per role the user holds: a pathologist's unfinished cases ("cases"), the results waiting for
     * review ("review"), the failed jobs ("admin/status"). Open to every signed-in user: it asks each service only
     * for the roles the user holds, and a user without any of them gets no counts.
     */
    @Override
    @PermitAll
    public Map<String, Long> forCurrentUser() {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (currentUser.hasRole(Roles.PATHOLOGIST)) {
            counts.put("cases", caseWork.countMyUnfinishedCases());
        }
        if (currentUser.hasRole(Roles.REVIEWER)) {
            counts.put("review", reviews.countWaitingForReview());
        }
        if (currentUser.hasRole(Roles.ADMIN)) {
            counts.put("admin/status", jobs.countFailedJobs());
        }
        return counts;
    }
}
