package org.histoscope.inference.internal;

import org.springframework.data.jpa.repository.JpaRepository;

public interface TileGridRepository extends JpaRepository<TileGridEntity, Long> {
}
