package org.histoscope.inference;

import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Predicts, then stores the outcome and its audit event in one short transaction (inference itself runs outside
 * any transaction, so a long whole-image run holds no database connection). Any failure before the commit leaves
 * nothing stored.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
public class StoredPredictionService implements PredictionService {

    private final InferenceService inference;
    private final PredictionRepository predictions;
    private final AuditService audit;
    private final TransactionTemplate transactions;
    private final Clock clock = Clock.systemUTC();

    private final CaseReadAccess caseAccess;

    StoredPredictionService(InferenceService inference, PredictionRepository predictions, AuditService audit,
                            TransactionTemplate transactions, CaseReadAccess caseAccess) {
        this.caseAccess = caseAccess;
        this.inference = inference;
        this.predictions = predictions;
        this.audit = audit;
        this.transactions = transactions;
    }

    @Override
    @RolesAllowed(Roles.SYSTEM) // only the job runner stores predictions, with the requester taken from the job
    public StoredPrediction predictAndStore(long caseId, long imageId, Path file, PredictionRequest request,
                                            String requestedBy, ProgressListener progress) {
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new IllegalArgumentException("requestedBy is required");
        }
        PredictionOutcome outcome = inference.predict(file, request, progress);
        return transactions.execute(status -> {
            PredictionEntity entity = toEntity(caseId, imageId, outcome, requestedBy);
            predictions.saveAndFlush(entity);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("imageId", imageId);
            details.put("requestedBy", requestedBy);
            details.put("probability", outcome.probability());
            details.put("label", outcome.label());
            details.put("threshold", outcome.threshold());
            details.put("model", outcome.modelId() + " " + outcome.modelVersion());
            details.put("mode", outcome.mode().name());
            details.put("device", outcome.device());
            audit.recordForCase(InferenceAuditAction.PREDICTION_STORED, "prediction", String.valueOf(entity.id),
                    caseId, details);
            return predictions.row(entity.id).orElseThrow().toValue();
        });
    }

    private PredictionEntity toEntity(long caseId, long imageId, PredictionOutcome outcome, String requestedBy) {
        PredictionEntity entity = new PredictionEntity();
        entity.caseId = caseId;
        entity.imageId = imageId;
        entity.probability = outcome.probability();
        entity.classProbabilities = outcome.classProbabilities();
        entity.threshold = outcome.threshold();
        entity.label = outcome.label();
        entity.positive = outcome.positive();
        entity.modelId = outcome.modelId();
        entity.modelVersion = outcome.modelVersion();
        entity.device = outcome.device();
        entity.mode = outcome.mode();
        entity.decodeMillis = outcome.decodeMillis();
        entity.inferMillis = outcome.inferMillis();
        entity.tileStatistics = outcome.tileStatistics();
        entity.heatmapPng = outcome.heatmapPng();
        entity.explanationPng = outcome.explanationPng();
        entity.createdBy = requestedBy;
        entity.createdAt = Instant.now(clock);
        return entity;
    }

    @Override
    @Transactional(readOnly = true)
    public List<StoredPrediction> forImage(long imageId) {
        return predictions.rowsForImage(imageId).stream().map(PredictionRepository.Row::toValue)
                .filter(p -> caseAccess.mayRead(p.caseId())).toList();
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<StoredPrediction> find(long predictionId) {
        return predictions.row(predictionId).map(PredictionRepository.Row::toValue)
                .filter(p -> caseAccess.mayRead(p.caseId()));
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<byte[]> heatmapPng(long predictionId) {
        return find(predictionId).flatMap(readable -> predictions.heatmap(predictionId));
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<byte[]> explanationPng(long predictionId) {
        return find(predictionId).flatMap(readable -> predictions.explanation(predictionId));
    }
}
