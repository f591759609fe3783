package org.histoscope.cases.internal;

import java.util.Collection;
import java.util.List;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/** The worklists' queries: each answers for many cases at once, so that no list asks once per row. */
public interface CaseWorkRepository extends Repository<PatientCase, Long> {

    /** Cases not finalized whose responsible pathologist (the assigned one, else the creator) is {@code username}. */
    @Query("""
            select c from PatientCase c join fetch c.patient
            where c.status <> org.histoscope.cases.CaseStatus.SIGNED_OUT
              and (lower(c.assignedPathologist) = lower(:username)
                   or (c.assignedPathologist is null and lower(c.createdBy) = lower(:username)))
            order by c.updatedAt desc, c.id desc""")
    List<PatientCase> unfinishedOf(String username, Pageable page);

    @Query("""
            select count(c) from PatientCase c
            where c.status <> org.histoscope.cases.CaseStatus.SIGNED_OUT
              and (lower(c.assignedPathologist) = lower(:username)
                   or (c.assignedPathologist is null and lower(c.createdBy) = lower(:username)))""")
    long countUnfinishedOf(String username);

    @Query("select c from PatientCase c join fetch c.patient where c.id in :ids")
    List<PatientCase> withPatients(Collection<Long> ids);

    /** Pairs of case id and image id. */
    @Query("select i.caseId, i.id from CaseImage i where i.caseId in :ids")
    List<Object[]> imagesOf(Collection<Long> ids);

    /** Pairs of case id and the number of its queued or running prediction jobs (cases without any are absent). */
    @Query("""
            select j.caseId, count(j) from PredictionJob j
            where j.caseId in :ids
              and j.status in (org.histoscope.cases.JobStatus.QUEUED, org.histoscope.cases.JobStatus.RUNNING)
            group by j.caseId""")
    List<Object[]> pendingJobsOf(Collection<Long> ids);
}
