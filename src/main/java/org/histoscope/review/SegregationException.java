package org.histoscope.review;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/** A signature or sign-out by the requester of a prediction, allowed by the department setting at that time. */
@Entity
@Immutable
@Table(name = "segregation_exception")
class SegregationException {

    enum Kind { SIGNED_OWN_REQUEST, SIGNED_OUT_OWN_CASE }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long reviewId;
    private long caseId;
    @Enumerated(EnumType.STRING)
    private Kind kind;
    private String username;
    private String settingChangedBy;
    private Instant settingChangedAt;
    private Instant recordedAt;

    protected SegregationException() {
    }

    SegregationException(Long reviewId, long caseId, Kind kind, String username, String settingChangedBy,
                         Instant settingChangedAt, Instant recordedAt) {
        this.reviewId = reviewId;
        this.caseId = caseId;
        this.kind = kind;
        this.username = username;
        this.settingChangedBy = settingChangedBy;
        this.settingChangedAt = settingChangedAt;
        this.recordedAt = recordedAt;
    }

    Long getReviewId() {
        return reviewId;
    }

    /** How the signature record states it, e.g. on the review page. */
    String note() {
        return "Signed by the requester of the prediction; allowed by the department setting changed by "
                + settingChangedBy + " at " + settingChangedAt + " (UTC)";
    }
}
