package org.histoscope.cases;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface PredictionJobRepository extends JpaRepository<PredictionJob, Long> {

    List<PredictionJob> findByCaseIdOrderByRequestedAtAscIdAsc(long caseId);

    long countByStatus(JobStatus status);

    List<PredictionJob> findTop50ByStatusOrderByFinishedAtDesc(JobStatus status);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select j from PredictionJob j where j.id = :id")
    Optional<PredictionJob> lockById(long id);
}
