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
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "registered_model")
class RegisteredModelEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;

    @Column(name = "model_id", nullable = false)
    String modelId;
    @Column(nullable = false)
    String name;
    @Column(nullable = false)
    String version;
    @Column(nullable = false)
    String architecture;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    List<String> classes;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "input_spec", nullable = false)
    Map<String, Object> inputSpec;
    @Column(nullable = false)
    double threshold;
    @Column(name = "card_threshold", nullable = false)
    double cardThreshold;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    ModelStatus status;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    Map<String, Object> metrics;
    @Column(nullable = false)
    String sha256;
    @Column(name = "storage_path", nullable = false)
    String storagePath;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    Map<String, Object> card;
    @Column(name = "reference_checked", nullable = false)
    boolean referenceChecked;
    @Column(name = "added_by", nullable = false)
    String addedBy;
    @Column(name = "added_at", nullable = false)
    Instant addedAt;

    RegisteredModel toValue() {
        return new RegisteredModel(id, modelId, name, version, architecture, classes, threshold, status, metrics,
                sha256, storagePath, addedBy, addedAt, calibrationPrevalence(card));
    }

    /** The card's calibration.prevalence when it is a share strictly between 0 and 1, else null. */
    static Double calibrationPrevalence(Map<String, Object> card) {
        Object calibration = card == null ? null : card.get("calibration");
        if (calibration instanceof Map<?, ?> fields && fields.get("prevalence") instanceof Number share) {
            double value = share.doubleValue();
            return value > 0 && value < 1 ? value : null;
        }
        return null;
    }
}
