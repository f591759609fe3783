package org.histoscope.fhir.internal;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

interface FhirMessageRepository extends JpaRepository<FhirMessageEntity, Long> {

    boolean existsByCaseIdAndReportVersion(long caseId, int reportVersion);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("SELECT m FROM FhirMessageEntity m WHERE m.id = :id")
    Optional<FhirMessageEntity> lockById(long id);

    List<FhirMessageEntity> findByCaseIdOrderByReportVersionAsc(long caseId);
}
