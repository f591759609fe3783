package org.histoscope.cases;

import jakarta.annotation.security.RolesAllowed;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.cases.internal.CaseWorkRepository;
import org.histoscope.cases.internal.CaseAccessPolicy;
import org.histoscope.cases.internal.PatientCase;
import org.springframework.data.domain.Pageable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The cases side of the home worklists and the navigation's counts: the signed-in pathologist's unfinished cases
 * and, for any list of cases, their patients, images and pending predictions, each in one query for all cases.
 */
@Service
@RolesAllowed(Roles.PATHOLOGIST)
public class CaseWorkService {

    private final CaseWorkRepository work;
    private final CaseAccessPolicy access;
    private final CurrentUser currentUser;

    CaseWorkService(CaseWorkRepository work, CaseAccessPolicy access, CurrentUser currentUser) {
        this.work = work;
        this.access = access;
        this.currentUser = currentUser;
    }

    /** The signed-in pathologist's cases that are not finalized yet, most recently changed first. */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public List<CaseSummary> myUnfinishedCases(int limit) {
        return currentUser.username().map(me -> work.unfinishedOf(me, Pageable.ofSize(Math.max(1, limit))).stream()
                .map(PatientCase::toSummary).toList()).orElse(List.of());
    }

    /** How many cases the signed-in pathologist has not finalized yet (the navigation's count). */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public long countMyUnfinishedCases() {
        return currentUser.username().map(work::countUnfinishedOf).orElse(0L);
    }

    /**
     * The cases among {@code caseIds} that the user may read, with patient, images and pending predictions, in the
     * order of {@code caseIds}; three queries whatever the number of cases.
     */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Map<Long, CaseWork> workOf(Collection<Long> caseIds) {
        if (caseIds.isEmpty()) {
            return Map.of();
        }
        Set<Long> ids = new HashSet<>(caseIds);
        Map<Long, PatientCase> readable = new HashMap<>();
        work.withPatients(ids).stream().filter(access::mayRead).forEach(c -> readable.put(c.getId(), c));
        if (readable.isEmpty()) {
            return Map.of();
        }
        Map<Long, Set<Long>> images = new HashMap<>();
        for (Object[] row : work.imagesOf(readable.keySet())) {
            images.computeIfAbsent((Long) row[0], k -> new HashSet<>()).add((Long) row[1]);
        }
        Map<Long, Long> pending = new HashMap<>();
        for (Object[] row : work.pendingJobsOf(readable.keySet())) {
            pending.put((Long) row[0], (Long) row[1]);
        }
        Map<Long, CaseWork> result = new LinkedHashMap<>();
        for (Long id : caseIds) {
            PatientCase c = readable.get(id);
            if (c != null && !result.containsKey(id)) {
                result.put(id, new CaseWork(c.toSummary(), Set.copyOf(images.getOrDefault(id, Set.of())),
                        pending.getOrDefault(id, 0L)));
            }
        }
        return result;
    }
}
