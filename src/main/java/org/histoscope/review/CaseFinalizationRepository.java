package org.histoscope.review;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

interface CaseFinalizationRepository extends JpaRepository<CaseFinalization, Long> {

    List<CaseFinalization> findByCaseIdOrderByVersionAsc(long caseId);

    Optional<CaseFinalization> findFirstByCaseIdOrderByVersionDesc(long caseId);
}
