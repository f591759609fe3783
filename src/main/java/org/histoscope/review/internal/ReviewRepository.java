package org.histoscope.review.internal;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

public interface ReviewRepository extends JpaRepository<Review, Long> {

    List<Review> findByPredictionIdOrderBySignedAtAscIdAsc(long predictionId);

    List<Review> findByCaseIdOrderBySignedAtAscIdAsc(long caseId);
}
