package org.histoscope.cases.internal;

import jakarta.persistence.LockModeType;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;
import org.histoscope.cases.JobStatus;

public interface PredictionJobRepository extends JpaRepository<PredictionJob, Long> {

    List<PredictionJob> findByCaseIdOrderByRequestedAtAscIdAsc(long caseId);

    long countByStatus(JobStatus status);

    List<PredictionJob> findTop50ByStatusOrderByFinishedAtDesc(JobStatus status);

    /**
     * Ids of the given jobs whose db-scheduler execution is not alive: none is picked with a heartbeat newer than
     * {@code staleSeconds} (the instance running it died or stalled, or the execution waits to be revived).
     */
    @Query(value = """
            select j.id from prediction_job j
            where j.id in (:ids)
              and not exists (select 1 from scheduled_tasks t
                              where t.task_name = 'prediction' and t.task_instance like concat('job-', j.id, '-%')
                                and t.picked and t.last_heartbeat > now() - make_interval(secs => :staleSeconds))
            """, nativeQuery = true)
    List<Long> withoutLiveExecution(Collection<Long> ids, double staleSeconds);

    /** Those of the given jobs that have ended (DONE or FAILED): the long-poll's re-check for jobs run elsewhere. */
    @Query("select j.id from PredictionJob j where j.id in :ids"
            + " and j.status in (org.histoscope.cases.JobStatus.DONE, org.histoscope.cases.JobStatus.FAILED)")
    List<Long> endedAmong(Collection<Long> ids);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select j from PredictionJob j where j.id = :id")
    Optional<PredictionJob> lockById(long id);
}
