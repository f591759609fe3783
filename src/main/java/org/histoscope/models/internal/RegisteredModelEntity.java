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
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;
import org.histoscope.models.ModelStatus;
import org.histoscope.models.RegisteredModel;

@Entity
@Table(name = "registered_model")
public class RegisteredModelEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_id", nullable = false)
    public String modelId;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public String version;
    @Column(nullable = false)
    public String architecture;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public List<String> classes;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "input_spec", nullable = false)
    public Map<String, Object> inputSpec;
    @Column(nullable = false)
    public double threshold;
    @Column(name = "card_threshold", nullable = false)
    public double cardThreshold;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public ModelStatus status;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> metrics;
    @Column(nullable = false)
    public String sha256;
    @Column(name = "storage_path", nullable = false)
    public String storagePath;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, Object> card;
    @Column(name = "reference_checked", nullable = false)
    public boolean referenceChecked;
    @Column(name = "added_by", nullable = false)
    public String addedBy;
    @Column(name = "added_at", nullable = false)
    public Instant addedAt;

    public RegisteredModel toValue() {
        return new RegisteredModel(id, modelId, name, version, architecture, classes, threshold, status, metrics,
                sha256, storagePath, addedBy, addedAt, calibrationPrevalence(card));
    }

    /** The card's calibration.prevalence when it is a share strictly between 0 and 1, else null. */
    public static Double calibrationPrevalence(Map<String, Object> card) {
        Object calibration = card == null ? null : card.get("calibration");
        if (calibration instanceof Map<?, ?> fields && fields.get("prevalence") instanceof Number share) {
            double value = share.doubleValue();
            return value > 0 && value < 1 ? value : null;
        }
        return null;
    }
}
