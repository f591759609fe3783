package org.histoscope.review.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;

public interface SegregationExceptionRepository extends JpaRepository<SegregationException, Long> {

    Optional<SegregationException> findByReviewId(long reviewId);

    Optional<SegregationException> findByNotAssessableId(long notAssessableId);

    List<SegregationException> findByCaseId(long caseId);
}
