package org.histoscope.inference.internal;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;
import org.histoscope.inference.GreyZone;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TestTimeAugmentation;
import org.histoscope.inference.TileStatistics;
import org.histoscope.inference.Verdict;

public interface PredictionRepository extends JpaRepository<PredictionEntity, Long> {

    /** Everything but the PNG columns, so listing predictions does not load overlays. */
    @Query("""
            select new org.histoscope.inference.internal.PredictionRepository$Row(p.id, p.caseId, p.imageId, p.probability,
              p.classProbabilities, p.threshold, p.label, p.positive, p.modelId, p.modelVersion, p.device, p.mode,
              p.decodeMillis, p.inferMillis, p.tileStatistics, p.heatmapPng is not null, p.explanationPng is not null,
              p.createdBy, p.createdAt, p.testTimeAugmentation, p.verdict, p.greyZoneLow, p.greyZoneHigh,
              p.tileThreshold, p.oodScore, p.oodThreshold, p.outOfDomain, p.analysedMicronsPerPixel, p.pixelSizeNote,
              p.pixelSizeAssumed)
            from PredictionEntity p where p.imageId = :imageId order by p.createdAt desc, p.id desc""")
    List<Row> rowsForImage(@Param("imageId") long imageId);

    @Query("""
            select new org.histoscope.inference.internal.PredictionRepository$Row(p.id, p.caseId, p.imageId, p.probability,
              p.classProbabilities, p.threshold, p.label, p.positive, p.modelId, p.modelVersion, p.device, p.mode,
              p.decodeMillis, p.inferMillis, p.tileStatistics, p.heatmapPng is not null, p.explanationPng is not null,
              p.createdBy, p.createdAt, p.testTimeAugmentation, p.verdict, p.greyZoneLow, p.greyZoneHigh,
              p.tileThreshold, p.oodScore, p.oodThreshold, p.outOfDomain, p.analysedMicronsPerPixel, p.pixelSizeNote,
              p.pixelSizeAssumed)
            from PredictionEntity p where p.id = :id""")
    Optional<Row> row(@Param("id") long id);

    @Query("select p.heatmapPng from PredictionEntity p where p.id = :id")
    Optional<byte[]> heatmap(@Param("id") long id);

    /** Sets the explanation only where none is stored yet: 1 when set, 0 otherwise. */
    @org.springframework.data.jpa.repository.Modifying(flushAutomatically = true)
    @Query("update PredictionEntity p set p.explanationPng = :png where p.id = :id and p.explanationPng is null")
    int attachExplanation(@Param("id") long id, @Param("png") byte[] png);

    @Query("select p.explanationPng from PredictionEntity p where p.id = :id")
    Optional<byte[]> explanation(@Param("id") long id);

    record Row(long id, long caseId, long imageId, double probability, java.util.Map<String, Double> classProbabilities,
               double threshold, String label, boolean positive, String modelId, String modelVersion, String device,
               PredictionMode mode, long decodeMillis, long inferMillis, TileStatistics tileStatistics,
               boolean hasHeatmap, boolean hasExplanation, String createdBy, java.time.Instant createdAt,
               TestTimeAugmentation testTimeAugmentation, Verdict verdict, Double greyZoneLow, Double greyZoneHigh,
               Double tileThreshold, Double oodScore, Double oodThreshold, boolean outOfDomain,
               Double analysedMicronsPerPixel, String pixelSizeNote, boolean pixelSizeAssumed) {

        public StoredPrediction toValue() {
            ResultAssessment assessment = verdict == null ? ResultAssessment.legacy(positive)
                    : new ResultAssessment(verdict, greyZoneLow == null || greyZoneHigh == null ? null
                    : new GreyZone(greyZoneLow, greyZoneHigh), tileThreshold, oodScore, oodThreshold, outOfDomain,
                    analysedMicronsPerPixel, pixelSizeNote, pixelSizeAssumed);
            return new StoredPrediction(id, caseId, imageId, probability, classProbabilities, threshold, label,
                    positive, modelId, modelVersion, device, mode, decodeMillis, inferMillis, tileStatistics,
                    hasHeatmap, hasExplanation, createdBy, createdAt, testTimeAugmentation, assessment);
        }
    }
}
