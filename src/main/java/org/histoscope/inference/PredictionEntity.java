package org.histoscope.inference;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "prediction")
class PredictionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "case_id", nullable = false)
    long caseId;
    @Column(name = "image_id", nullable = false)
    long imageId;
    /** The prediction job that computed it; unique, so a job never has two results. */
    @Column(name = "job_id")
    Long jobId;
    @Column(nullable = false)
    double probability;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "class_probabilities", nullable = false)
    Map<String, Double> classProbabilities;
    @Column(nullable = false)
    double threshold;
    @Column(nullable = false)
    String label;
    @Column(nullable = false)
    boolean positive;
    @Column(name = "model_id", nullable = false)
    String modelId;
    @Column(name = "model_version", nullable = false)
    String modelVersion;
    @Column(nullable = false)
    String device;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    PredictionMode mode;
    @Column(name = "decode_ms", nullable = false)
    long decodeMillis;
    @Column(name = "infer_ms", nullable = false)
    long inferMillis;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "tile_stats")
    TileStatistics tileStatistics;
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "heatmap_png")
    byte[] heatmapPng;
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "explanation_png")
    byte[] explanationPng;
    @Enumerated(EnumType.STRING)
    @Column(name = "tta", nullable = false)
    TestTimeAugmentation testTimeAugmentation = TestTimeAugmentation.NONE;
    @Enumerated(EnumType.STRING)
    @Column(name = "verdict")
    Verdict verdict;
    @Column(name = "grey_zone_low")
    Double greyZoneLow;
    @Column(name = "grey_zone_high")
    Double greyZoneHigh;
    @Column(name = "tile_threshold")
    Double tileThreshold;
    @Column(name = "ood_score")
    Double oodScore;
    @Column(name = "ood_threshold")
    Double oodThreshold;
    @Column(name = "out_of_domain", nullable = false)
    boolean outOfDomain;
    @Column(name = "analysed_microns_per_pixel")
    Double analysedMicronsPerPixel;
    @Column(name = "pixel_size_note")
    String pixelSizeNote;
    @Column(name = "pixel_size_assumed", nullable = false)
    boolean pixelSizeAssumed;
    @Column(name = "created_by", nullable = false)
    String createdBy;
    @Column(name = "created_at", nullable = false)
    Instant createdAt;
}
