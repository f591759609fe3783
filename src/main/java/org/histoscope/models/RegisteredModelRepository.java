package org.histoscope.models;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface RegisteredModelRepository extends JpaRepository<RegisteredModelEntity, Long> {

    Optional<RegisteredModelEntity> findBySha256(String sha256);

    Optional<RegisteredModelEntity> findByStatus(ModelStatus status);

    List<RegisteredModelEntity> findAllByOrderByAddedAtDesc();

    Optional<RegisteredModelEntity> findFirstByModelIdAndVersionOrderByAddedAtDesc(String modelId, String version);
}
