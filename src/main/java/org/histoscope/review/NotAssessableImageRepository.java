package org.histoscope.review;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

interface NotAssessableImageRepository extends JpaRepository<NotAssessableImage, Long> {

    List<NotAssessableImage> findByCaseIdOrderBySignedAtAscIdAsc(long caseId);

    boolean existsByImageId(long imageId);
}
