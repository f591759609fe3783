package org.histoscope.reports.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface CaseReportRepository extends JpaRepository<CaseReportEntity, Long> {

    List<CaseReportEntity> findByCaseIdOrderByVersionAsc(long caseId);

    Optional<CaseReportEntity> findByCaseIdAndVersion(long caseId, int version);

    @Query("select coalesce(max(r.version), 0) from CaseReportEntity r where r.caseId = :caseId")
    int latestVersion(long caseId);
}
