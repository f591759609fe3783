package org.histoscope.review.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.SignatureMeaning;

/** A reviewer's signed statement that an image yields no result to review; immutable, as in the database. */
@Entity
@Immutable
@Table(name = "not_assessable_image")
public class NotAssessableImage {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long caseId;
    private long imageId;
    private String reason;
    private String signedBy;
    private String signerName;
    private Instant signedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "signature_meaning")
    private SignatureMeaning meaning;

    public NotAssessableImage() {
    }

    public NotAssessableImage(long caseId, long imageId, String reason, String signedBy, String signerName, Instant signedAt,
                       SignatureMeaning meaning) {
        this.caseId = caseId;
        this.imageId = imageId;
        this.reason = reason;
        this.signedBy = signedBy;
        this.signerName = signerName;
        this.signedAt = signedAt;
        this.meaning = meaning;
    }

    public NotAssessableMark toMark(String imageName, String segregationNote) {
        return new NotAssessableMark(id, caseId, imageId, imageName, reason, signedBy, signerName, signedAt, meaning,
                segregationNote);
    }

    public Long getId() {
        return id;
    }

    String getSignedBy() {
        return signedBy;
    }

    public long getImageId() {
        return imageId;
    }
}
