package org.histoscope.models;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface ModelEvaluationRepository extends JpaRepository<ModelEvaluationEntity, Long> {

    List<ModelEvaluationEntity> findByModelIdOrderByCreatedAtDesc(long modelId);
}
