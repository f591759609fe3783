package org.histoscope.models.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.histoscope.models.ModelStatus;

public interface RegisteredModelRepository extends JpaRepository<RegisteredModelEntity, Long> {

    Optional<RegisteredModelEntity> findBySha256(String sha256);

    Optional<RegisteredModelEntity> findByStatus(ModelStatus status);

    List<RegisteredModelEntity> findAllByOrderByAddedAtDesc();

    Optional<RegisteredModelEntity> findFirstByModelIdAndVersionOrderByAddedAtDesc(String modelId, String version);
}
