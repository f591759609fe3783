package org.histoscope.review.internal;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface NotAssessableImageRepository extends JpaRepository<NotAssessableImage, Long> {

    List<NotAssessableImage> findByCaseIdOrderBySignedAtAscIdAsc(long caseId);

    boolean existsByImageId(long imageId);
}
