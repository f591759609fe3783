package org.histoscope.cases.internal;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import org.histoscope.platform.PeopleText;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;

/** The UI-facing state of one prediction job; the durable queue entry itself lives in db-scheduler's table. */
@Entity
@Table(name = "prediction_job")
public class PredictionJob {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long caseId;
    private long imageId;
    private boolean rerun;
    private Long modelId;
    @Enumerated(EnumType.STRING)
    private JobStatus status;
    private double progress;
    /** The reason in English, as the API and the audit trail quote it. */
    private String errorMessage;
    /** The reason's message key, for screens in the reader's language; null where it has none. */
    private String errorKey;
    /** The key's arguments as a JSON array of strings and numbers. */
    private String errorArgs;
    private int attempts;
    private Long predictionId;
    private String requestedBy;
    private Instant requestedAt;
    private Instant startedAt;
    private Instant finishedAt;
    /** The model of the stored result while its explanation is still to be computed; null when none is pending. */
    private Long explanationModelId;
    @Version
    private long version;

    public PredictionJob() {
    }

    public PredictionJob(long caseId, long imageId, boolean rerun, Long modelId, String requestedBy, Instant now) {
        this.caseId = caseId;
        this.imageId = imageId;
        this.rerun = rerun;
        this.modelId = modelId;
        this.status = JobStatus.QUEUED;
        this.requestedBy = requestedBy;
        this.requestedAt = now;
    }

    void start(Instant now) {
        status = JobStatus.RUNNING;
        attempts++;
        progress = 0;
        errorMessage = null;
        errorKey = null;
        errorArgs = null;
        startedAt = now;
        finishedAt = null;
    }

    void progress(double fraction) {
        progress = Math.max(0, Math.min(1, fraction));
    }

    /** @param explanationModelId the model to explain the result with next; null when no explanation follows */
    void succeed(long predictionId, Instant now, Long explanationModelId) {
        status = JobStatus.DONE;
        progress = 1;
        this.predictionId = predictionId;
        this.explanationModelId = explanationModelId;
        finishedAt = now;
    }

    /** The explanation step ended (stored, or given up on): the job has nothing more to do. */
    void explanationSettled() {
        explanationModelId = null;
    }

    Long getExplanationModelId() {
        return explanationModelId;
    }

    Long getPredictionId() {
        return predictionId;
    }

    void fail(PeopleText reason, Instant now) {
        status = JobStatus.FAILED;
        errorMessage = reason.english();
        errorKey = reason.storable() ? reason.key() : null;
        errorArgs = errorKey == null ? null : reason.argsJson();
        finishedAt = now;
    }

    public void requeue() {
        status = JobStatus.QUEUED;
        progress = 0;
        errorMessage = null;
        errorKey = null;
        errorArgs = null;
    }

    public JobSummary toSummary(String imageName) {
        return toSummary(imageName, false);
    }

    public JobSummary toSummary(String imageName, boolean interrupted) {
        return new JobSummary(id, caseId, imageId, imageName, rerun, modelId, status, progress, errorMessage, errorKey,
                errorKey == null ? List.of() : PeopleText.argsFromJson(errorArgs), attempts,
                predictionId, requestedBy, requestedAt, startedAt, finishedAt, interrupted && status == JobStatus.RUNNING,
                status == JobStatus.DONE && explanationModelId != null);
    }

    public Long getId() {
        return id;
    }

    public long getCaseId() {
        return caseId;
    }

    public long getImageId() {
        return imageId;
    }

    Long getModelId() {
        return modelId;
    }

    public JobStatus getStatus() {
        return status;
    }

    String getRequestedBy() {
        return requestedBy;
    }

    public int getAttempts() {
        return attempts;
    }
}
