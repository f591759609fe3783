package org.histoscope.inference;

import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.Roles;
import org.histoscope.inference.internal.InferenceAuditAction;
import org.histoscope.inference.internal.PredictionEntity;
import org.histoscope.inference.internal.PredictionRepository;
import org.histoscope.inference.internal.TileGridEntity;
import org.histoscope.inference.internal.TileGridRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores predictions with their audit event inside the transaction of the job that computed them (inference itself
 * runs before, outside any transaction, so a long whole-image run holds no database connection).
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
public class StoredPredictionService implements PredictionService {

    private final PredictionRepository predictions;
    private final TileGridRepository tileGrids;
    private final AuditService audit;
    private final CaseReadAccess caseAccess;
    private final Clock clock;

    StoredPredictionService(PredictionRepository predictions, TileGridRepository tileGrids, AuditService audit,
                            CaseReadAccess caseAccess, Clock clock) {
        this.clock = clock;
        this.predictions = predictions;
        this.tileGrids = tileGrids;
        this.audit = audit;
        this.caseAccess = caseAccess;
    }

    @Override
    @RolesAllowed(Roles.SYSTEM) // only the job runner stores predictions, with the requester taken from the job
    @Transactional(propagation = Propagation.MANDATORY)
    public StoredPrediction store(long caseId, long imageId, long jobId, PredictionOutcome outcome, String requestedBy) {
        if (requestedBy == null || requestedBy.isBlank()) {
            throw new IllegalArgumentException("requestedBy is required");
        }
        PredictionEntity entity = toEntity(caseId, imageId, outcome, requestedBy);
        entity.jobId = jobId;
        predictions.saveAndFlush(entity);
        if (outcome.tileGrid() != null) {
            tileGrids.save(TileGridEntity.of(entity.id, outcome.tileGrid()));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("imageId", imageId);
        details.put("jobId", jobId);
        details.put("requestedBy", requestedBy);
        details.put("probability", outcome.probability());
        details.put("label", outcome.label());
        details.put("threshold", outcome.threshold());
        details.put("model", outcome.modelId() + " " + outcome.modelVersion());
        details.put("mode", outcome.mode().name());
        details.put("device", outcome.device());
        details.put("tta", outcome.testTimeAugmentation().name());
        details.put("verdict", outcome.assessment().verdict().name());
        if (outcome.assessment().oodScore() != null) {
            details.put("oodScore", outcome.assessment().oodScore());
            details.put("outOfDomain", outcome.assessment().outOfDomain());
        }
        if (outcome.assessment().pixelSizeNote() != null) {
            details.put("pixelSize", outcome.assessment().pixelSizeNote());
        }
        audit.recordForCase(InferenceAuditAction.PREDICTION_STORED, "prediction", String.valueOf(entity.id),
                caseId, details);
        return predictions.row(entity.id).orElseThrow().toValue();
    }

    @Override
    @RolesAllowed(Roles.SYSTEM) // only the job runner, after it stored the prediction
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean attachExplanation(long predictionId, byte[] explanationPng) {
        if (predictions.attachExplanation(predictionId, explanationPng) == 0) {
            return false;
        }
        long caseId = predictions.row(predictionId).orElseThrow().caseId();
        audit.recordForCase(InferenceAuditAction.PREDICTION_EXPLAINED, "prediction", String.valueOf(predictionId),
                caseId, Map.of("bytes", explanationPng.length));
        return true;
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
        entity.testTimeAugmentation = outcome.testTimeAugmentation();
        ResultAssessment assessment = outcome.assessment();
        entity.verdict = assessment.verdict();
        entity.greyZoneLow = assessment.greyZone() == null ? null : assessment.greyZone().low();
        entity.greyZoneHigh = assessment.greyZone() == null ? null : assessment.greyZone().high();
        entity.tileThreshold = assessment.tileThreshold();
        entity.oodScore = assessment.oodScore();
        entity.oodThreshold = assessment.oodThreshold();
        entity.outOfDomain = assessment.outOfDomain();
        entity.analysedMicronsPerPixel = assessment.analysedMicronsPerPixel();
        entity.pixelSizeNote = assessment.pixelSizeNote();
        entity.pixelSizeAssumed = assessment.pixelSizeAssumed();
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
    public Optional<TileGrid> tileGrid(long predictionId) {
        return find(predictionId).flatMap(readable -> tileGrids.findById(predictionId)).map(TileGridEntity::toGrid);
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<byte[]> explanationPng(long predictionId) {
        return find(predictionId).flatMap(readable -> predictions.explanation(predictionId));
    }
}
