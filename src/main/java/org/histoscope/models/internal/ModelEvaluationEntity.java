package org.histoscope.models.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.histoscope.models.EvaluationMetrics;
import org.histoscope.models.ModelEvaluation;

@Entity
@Table(name = "model_evaluation")
public class ModelEvaluationEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "registered_model_id", nullable = false)
    public long modelId;
    @Column(name = "dataset_name", nullable = false)
    public String datasetName;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public EvaluationStatus status;
    @Column(name = "target_sensitivity", nullable = false)
    public double targetSensitivity;
    @Column(nullable = false)
    public double threshold;
    @Column(nullable = false)
    double progress;
    @JdbcTypeCode(SqlTypes.JSON)
    EvaluationMetrics result;
    String error;
    @Column(name = "error_key")
    String errorKey;
    @Column(name = "error_args")
    String errorArgs;
    @Column(name = "created_by", nullable = false)
    public String createdBy;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "finished_at")
    Instant finishedAt;

    public ModelEvaluation toValue() {
        return new ModelEvaluation(id, modelId, datasetName, status.name(), targetSensitivity, threshold, result, error,
                createdBy, createdAt, finishedAt, progress, errorText());
    }

    /** The stored reason or note, by its key where it has one, so each reader gets it in their language. */
    private org.histoscope.platform.PeopleText errorText() {
        if (errorKey != null) {
            return org.histoscope.platform.PeopleText.of(errorKey,
                    org.histoscope.platform.PeopleText.argsFromJson(errorArgs).toArray());
        }
        return error == null ? null : org.histoscope.platform.PeopleText.untranslated(error);
    }

    /** Keeps the English sentence (the audit and older readers) and, where it can be stored, its key and arguments. */
    void setReason(org.histoscope.platform.PeopleText reason) {
        String english = reason == null ? null : reason.english();
        error = english == null ? null : english.substring(0, Math.min(1000, english.length()));
        errorKey = reason != null && reason.storable() ? reason.key() : null;
        errorArgs = errorKey == null ? null : reason.argsJson();
    }
}
