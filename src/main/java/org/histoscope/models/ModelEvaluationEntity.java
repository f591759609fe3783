package org.histoscope.models;

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

@Entity
@Table(name = "model_evaluation")
class ModelEvaluationEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    @Column(name = "registered_model_id", nullable = false)
    long modelId;
    @Column(name = "dataset_name", nullable = false)
    String datasetName;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    EvaluationStatus status;
    @Column(name = "target_sensitivity", nullable = false)
    double targetSensitivity;
    @Column(nullable = false)
    double threshold;
    @Column(nullable = false)
    double progress;
    @JdbcTypeCode(SqlTypes.JSON)
    EvaluationMetrics result;
    String error;
    @Column(name = "created_by", nullable = false)
    String createdBy;
    @Column(name = "created_at", nullable = false)
    Instant createdAt;
    @Column(name = "finished_at")
    Instant finishedAt;

    ModelEvaluation toValue() {
        return new ModelEvaluation(id, modelId, datasetName, status.name(), targetSensitivity, threshold, result, error,
                createdBy, createdAt, finishedAt, progress);
    }
}
