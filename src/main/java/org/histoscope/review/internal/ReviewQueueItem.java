package org.histoscope.review.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.review.QueueEntry;

/** A prediction waiting for (or having had) a review; its review state follows the latest signed review. */
@Entity
@Table(name = "review_queue_item")
public class ReviewQueueItem {

    @Id
    private Long predictionId;
    private long caseId;
    private String accessionNumber;
    private long imageId;
    private String imageName;
    private double probability;
    private double threshold;
    private double uncertaintyMargin;
    private String predictedLabel;
    private String modelName;
    private String modelVersion;
    private Instant predictedAt;
    private boolean reviewed;
    private Long latestReviewId;
    private String finalLabel;
    private boolean disagreement;
    private Instant reviewedAt;
    private boolean arrivedAfterSignOut;
    /** Inside the card's grey zone: "uncertain first" puts these on top. */
    private boolean indeterminate;
    /** Flagged by the domain guard: signing needs the reviewer's acknowledgement. */
    private boolean outOfDomain;
    /** Two reviewers who saw the same unreviewed state cannot both change it. */
    @Version
    private long version;

    protected ReviewQueueItem() {
    }

    ReviewQueueItem(PredictionCompleted result) {
        this.predictionId = result.predictionId();
        this.caseId = result.caseId();
        this.accessionNumber = result.accessionNumber();
        this.imageId = result.imageId();
        this.imageName = result.imageName();
        this.probability = result.probability();
        this.threshold = result.threshold();
        this.uncertaintyMargin = Math.abs(result.probability() - result.threshold());
        this.predictedLabel = result.label();
        this.modelName = result.modelName();
        this.modelVersion = result.modelVersion();
        this.predictedAt = result.completedAt();
        this.arrivedAfterSignOut = result.arrivedAfterSignOut();
        this.indeterminate = result.indeterminate();
        this.outOfDomain = result.outOfDomain();
    }

    public boolean isOutOfDomain() {
        return outOfDomain;
    }

    public void reviewedBy(Review review) {
        this.reviewed = true;
        this.latestReviewId = review.getId();
        this.finalLabel = review.getFinalLabel();
        this.disagreement = !review.getFinalLabel().equalsIgnoreCase(predictedLabel);
        this.reviewedAt = review.getSignedAt();
    }

    public QueueEntry toEntry() {
        return new QueueEntry(predictionId, caseId, accessionNumber, imageId, imageName, probability, threshold,
                uncertaintyMargin, predictedLabel, modelName, modelVersion, predictedAt, reviewed, latestReviewId,
                finalLabel, disagreement, reviewedAt, arrivedAfterSignOut, indeterminate, outOfDomain);
    }

    public long getImageId() {
        return imageId;
    }

    public long getCaseId() {
        return caseId;
    }

    public long getPredictionId() {
        return predictionId;
    }

    public String getPredictedLabel() {
        return predictedLabel;
    }

    public boolean isReviewed() {
        return reviewed;
    }

    public Long getLatestReviewId() {
        return latestReviewId;
    }
}
