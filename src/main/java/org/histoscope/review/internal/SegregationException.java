package org.histoscope.review.internal;

import jakarta.persistence.Entity;
import org.histoscope.platform.UtcTimes;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/**
 * A signature that counts toward a case's sign-out (a review, a not-assessable mark, the sign-out itself) given by
 * the person who requested the work it signs, allowed by the department setting at that time.
 */
@Entity
@Immutable
@Table(name = "segregation_exception")
public class SegregationException {

    public enum Kind { SIGNED_OWN_REQUEST, SIGNED_OUT_OWN_CASE, MARKED_OWN_NOT_ASSESSABLE }


    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long reviewId;
    private Long notAssessableId;
    private long caseId;
    @Enumerated(EnumType.STRING)
    private Kind kind;
    private String username;
    private String settingChangedBy;
    private Instant settingChangedAt;
    private Instant recordedAt;

    public SegregationException() {
    }

    public SegregationException(Long reviewId, long caseId, Kind kind, String username, String settingChangedBy,
                         Instant settingChangedAt, Instant recordedAt) {
        this.reviewId = reviewId;
        this.caseId = caseId;
        this.kind = kind;
        this.username = username;
        this.settingChangedBy = settingChangedBy;
        this.settingChangedAt = settingChangedAt;
        this.recordedAt = recordedAt;
    }

    /** Records the exception for a not-assessable mark signed by the image's uploader or requester. */
    public static SegregationException forMark(long markId, long caseId, String username, String settingChangedBy,
                                        Instant settingChangedAt, Instant recordedAt) {
        SegregationException exception = new SegregationException(null, caseId, Kind.MARKED_OWN_NOT_ASSESSABLE,
                username, settingChangedBy, settingChangedAt, recordedAt);
        exception.notAssessableId = markId;
        return exception;
    }

    Long getReviewId() {
        return reviewId;
    }

    Long getNotAssessableId() {
        return notAssessableId;
    }

    public Kind getKind() {
        return kind;
    }

    /** How the signature record states it: on the review page, the case page and in the report. */
    public String note() {
        String who = switch (kind) {
            case SIGNED_OWN_REQUEST -> "Signed by the requester of the prediction";
            case MARKED_OWN_NOT_ASSESSABLE -> "Signed by the person who uploaded the image or requested its prediction";
            case SIGNED_OUT_OWN_CASE -> "Finalized by the requester of the case's work, every signature their own";
        };
        return who + "; allowed by the department setting changed by " + settingChangedBy + " at "
                + UtcTimes.format(settingChangedAt, "");
    }
}
