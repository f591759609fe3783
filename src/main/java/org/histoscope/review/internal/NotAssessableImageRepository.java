package org.histoscope.review.internal;

import java.util.Collection;
import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface NotAssessableImageRepository extends JpaRepository<NotAssessableImage, Long> {

    List<NotAssessableImage> findByCaseIdOrderBySignedAtAscIdAsc(long caseId);

    boolean existsByImageId(long imageId);

    /** Image ids marked not assessable among the cases' images, for many cases in one query. */
    @org.springframework.data.jpa.repository.Query("select n.imageId from NotAssessableImage n where n.caseId in :caseIds")
    List<Long> markedImageIdsOfCases(Collection<Long> caseIds);
}
