package org.histoscope.cases.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface CaseImageRepository extends JpaRepository<CaseImage, Long> {

    Optional<CaseImage> findByCaseIdAndSha256(long caseId, String sha256);

    List<CaseImage> findByCaseIdOrderByUploadedAtAscIdAsc(long caseId);
}
