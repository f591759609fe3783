package org.histoscope.models.internal;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface ModelEvaluationRepository extends JpaRepository<ModelEvaluationEntity, Long> {

    List<ModelEvaluationEntity> findByModelIdOrderByCreatedAtDesc(long modelId);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select e from ModelEvaluationEntity e where e.id = :id")
    Optional<ModelEvaluationEntity> lockById(long id);
}
