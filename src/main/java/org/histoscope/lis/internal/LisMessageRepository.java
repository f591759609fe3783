package org.histoscope.lis.internal;

import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface LisMessageRepository extends JpaRepository<LisMessageEntity, Long> {

    boolean existsByCaseIdAndReportVersion(long caseId, int reportVersion);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("SELECT m FROM LisMessageEntity m WHERE m.id = :id")
    Optional<LisMessageEntity> lockById(long id);

    List<LisMessageEntity> findByOrderByIdDesc(Pageable page);

    List<LisMessageEntity> findByCaseIdOrderByReportVersionAsc(long caseId);
}
