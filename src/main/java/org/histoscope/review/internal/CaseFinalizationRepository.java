package org.histoscope.review.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface CaseFinalizationRepository extends JpaRepository<CaseFinalization, Long> {

    List<CaseFinalization> findByCaseIdOrderByVersionAsc(long caseId);

    Optional<CaseFinalization> findFirstByCaseIdOrderByVersionDesc(long caseId);
}
