package org.histoscope.inference;

import org.springframework.data.jpa.repository.JpaRepository;

interface TileGridRepository extends JpaRepository<TileGridEntity, Long> {
}
