package org.histoscope.cases.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.histoscope.cases.ImageSummary;

/** An uploaded original; immutable once stored. */
@Entity
@Table(name = "case_image")
public class CaseImage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long caseId;
    private String originalFilename;
    private String sha256;
    private long sizeBytes;
    private String format;
    private int width;
    private int height;
    private String resolution;
    private Double statedMicronsPerPixel;
    private String uploadedBy;
    private Instant uploadedAt;

    public CaseImage() {
    }

    public CaseImage(long caseId, String originalFilename, String sha256, long sizeBytes, String format, int width, int height,
              String resolution, String uploadedBy, Instant uploadedAt) {
        this.caseId = caseId;
        this.originalFilename = originalFilename;
        this.sha256 = sha256;
        this.sizeBytes = sizeBytes;
        this.format = format;
        this.width = width;
        this.height = height;
        this.resolution = resolution;
        this.uploadedBy = uploadedBy;
        this.uploadedAt = uploadedAt;
    }

    /** For files without a pixel size of their own: what the uploader stated. */
    public void stateMicronsPerPixel(double microns) {
        this.statedMicronsPerPixel = microns;
    }

    Double getStatedMicronsPerPixel() {
        return statedMicronsPerPixel;
    }

    public ImageSummary toSummary() {
        return new ImageSummary(id, caseId, originalFilename, sha256, sizeBytes, format, width, height, resolution,
                uploadedBy, uploadedAt);
    }

    public Long getId() {
        return id;
    }

    public long getCaseId() {
        return caseId;
    }

    public String getSha256() {
        return sha256;
    }

    public String getOriginalFilename() {
        return originalFilename;
    }
}
