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
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;

/** A signed review. Immutable here, and a database trigger rejects any UPDATE or DELETE of a signed row. */
@Entity
@Immutable
@Table(name = "review")
public class Review {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long predictionId;
    private long caseId;
    @Enumerated(EnumType.STRING)
    private ReviewDecision decision;
    private String predictedLabel;
    private String finalLabel;
    private String finalDiagnosis;
    @Column(name = "review_comment")
    private String comment;
    private String signedBy;
    private String signerName;
    private Instant signedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "signature_meaning")
    private SignatureMeaning meaning;
    private Long amendsReviewId;
    /** The result was outside the model's training domain and the reviewer acknowledged the warning. */
    private boolean outOfDomainAcknowledged;

    public Review withOutOfDomainAcknowledged(boolean acknowledged) {
        this.outOfDomainAcknowledged = acknowledged;
        return this;
    }

    public boolean isOutOfDomainAcknowledged() {
        return outOfDomainAcknowledged;
    }

    public Review() {
    }

    public Review(long predictionId, long caseId, ReviewDecision decision, String predictedLabel, String finalLabel,
           String finalDiagnosis, String comment, String signedBy, String signerName, Instant signedAt,
           SignatureMeaning meaning, Long amendsReviewId) {
        this.predictionId = predictionId;
        this.caseId = caseId;
        this.decision = decision;
        this.predictedLabel = predictedLabel;
        this.finalLabel = finalLabel;
        this.finalDiagnosis = finalDiagnosis;
        this.comment = comment;
        this.signedBy = signedBy;
        this.signerName = signerName;
        this.signedAt = signedAt;
        this.meaning = meaning;
        this.amendsReviewId = amendsReviewId;
    }

    public SignedReview toSigned() {
        return new SignedReview(id, predictionId, caseId, decision, predictedLabel, finalLabel, finalDiagnosis, comment,
                signedBy, signerName, signedAt, meaning, amendsReviewId);
    }

    public SignedReview toSigned(String segregationNote) {
        return new SignedReview(id, predictionId, caseId, decision, predictedLabel, finalLabel, finalDiagnosis, comment,
                signedBy, signerName, signedAt, meaning, amendsReviewId, segregationNote);
    }

    public long getPredictionId() {
        return predictionId;
    }

    String getSignedBy() {
        return signedBy;
    }

    public Long getId() {
        return id;
    }

    public String getFinalLabel() {
        return finalLabel;
    }

    public Instant getSignedAt() {
        return signedAt;
    }
}
