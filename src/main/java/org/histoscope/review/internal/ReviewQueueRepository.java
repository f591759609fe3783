package org.histoscope.review.internal;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Query;

public interface ReviewQueueRepository extends JpaRepository<ReviewQueueItem, Long>, JpaSpecificationExecutor<ReviewQueueItem> {

    List<ReviewQueueItem> findByCaseIdOrderByPredictedAtAsc(long caseId);

    @Query("select distinct i.modelName from ReviewQueueItem i order by i.modelName")
    List<String> distinctModelNames();

    @Query("select distinct i.predictedLabel from ReviewQueueItem i order by i.predictedLabel")
    List<String> distinctLabels();
}
