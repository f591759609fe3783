package org.histoscope.inference.internal;

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
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.TestTimeAugmentation;
import org.histoscope.inference.TileStatistics;
import org.histoscope.inference.Verdict;

@Entity
@Table(name = "prediction")
public class PredictionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "case_id", nullable = false)
    public long caseId;
    @Column(name = "image_id", nullable = false)
    public long imageId;
    /** The prediction job that computed it; unique, so a job never has two results. */
    @Column(name = "job_id")
    public Long jobId;
    @Column(nullable = false)
    public double probability;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "class_probabilities", nullable = false)
    public Map<String, Double> classProbabilities;
    @Column(nullable = false)
    public double threshold;
    @Column(nullable = false)
    public String label;
    @Column(nullable = false)
    public boolean positive;
    @Column(name = "model_id", nullable = false)
    public String modelId;
    @Column(name = "model_version", nullable = false)
    public String modelVersion;
    @Column(nullable = false)
    public String device;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public PredictionMode mode;
    @Column(name = "decode_ms", nullable = false)
    public long decodeMillis;
    @Column(name = "infer_ms", nullable = false)
    public long inferMillis;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "tile_stats")
    public TileStatistics tileStatistics;
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "heatmap_png")
    public byte[] heatmapPng;
    @Basic(fetch = FetchType.LAZY)
    @JdbcTypeCode(SqlTypes.VARBINARY)
    @Column(name = "explanation_png")
    public byte[] explanationPng;
    @Enumerated(EnumType.STRING)
    @Column(name = "tta", nullable = false)
    public TestTimeAugmentation testTimeAugmentation = TestTimeAugmentation.NONE;
    @Enumerated(EnumType.STRING)
    @Column(name = "verdict")
    public Verdict verdict;
    @Column(name = "grey_zone_low")
    public Double greyZoneLow;
    @Column(name = "grey_zone_high")
    public Double greyZoneHigh;
    @Column(name = "tile_threshold")
    public Double tileThreshold;
    @Column(name = "ood_score")
    public Double oodScore;
    @Column(name = "ood_threshold")
    public Double oodThreshold;
    @Column(name = "out_of_domain", nullable = false)
    public boolean outOfDomain;
    @Column(name = "analysed_microns_per_pixel")
    public Double analysedMicronsPerPixel;
    @Column(name = "pixel_size_note")
    public String pixelSizeNote;
    @Column(name = "pixel_size_assumed", nullable = false)
    public boolean pixelSizeAssumed;
    @Column(name = "created_by", nullable = false)
    public String createdBy;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
