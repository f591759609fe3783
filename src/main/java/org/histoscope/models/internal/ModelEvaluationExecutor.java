package org.histoscope.models.internal;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.ErrorReference;
import org.histoscope.platform.ProgressThrottle;
import java.time.Clock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.InferenceService;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.ProgressListener;
import org.histoscope.models.ModelEvaluationService.LabelledImage;
import org.histoscope.models.EvaluationMetrics;
import org.histoscope.models.ModelEvaluationService;
import org.histoscope.models.ModelPackageRejectedException;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.ModelRegistryService;
import org.histoscope.models.RegisteredModel;
import org.histoscope.platform.Unguarded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one model evaluation for db-scheduler from the data set kept under the evaluation directory. The result,
 * the DONE state and the audit event commit together under a row lock, and only for a RUNNING evaluation, so a
 * revived or repeated execution of a finished evaluation does nothing and never stores a second result.
 */
@Component
public class ModelEvaluationExecutor {

    private static final Logger log = LoggerFactory.getLogger(ModelEvaluationExecutor.class);

    private final ModelEvaluationRepository evaluations;
    private final ModelRegistry registry;
    private final InferenceService inference;
    private final AuditService audit;
    private final ModelsSettings settings;
    private final TransactionTemplate transaction;

    private final Clock clock;

    ModelEvaluationExecutor(ModelEvaluationRepository evaluations, ModelRegistry registry, InferenceService inference,
                            AuditService audit, ModelsSettings settings, PlatformTransactionManager txManager, Clock clock) {
        this.clock = clock;
        this.evaluations = evaluations;
        this.registry = registry;
        this.inference = inference;
        this.audit = audit;
        this.settings = settings;
        this.transaction = new TransactionTemplate(txManager);
        this.transaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Where the data set of an evaluation waits for its job. */
    @Unguarded("internal to the models feature (Modulith keeps other features out): called by its guarded services and jobs")
    public Path dataSetOf(long evaluationId) {
        return settings.evaluationDirectory().resolve(evaluationId + ".zip");
    }

    @Unguarded("internal to the models feature (Modulith keeps other features out): called by its guarded services and jobs")
    public void run(long id) {
        Boolean pending = transaction.execute(status -> evaluations.findById(id)
                .map(e -> e.status == EvaluationStatus.RUNNING).orElse(false));
        if (!Boolean.TRUE.equals(pending)) {
            return;
        }
        Path zip = dataSetOf(id);
        Path folder = null;
        try {
            ModelEvaluationEntity evaluation = evaluations.findById(id).orElseThrow();
            RegisteredModel model = registry.find(evaluation.modelId).orElseThrow(
                    () -> new ModelPackageRejectedException(PeopleText.of("refusal.models.model-longer-registered")));
            if (!Files.isRegularFile(zip)) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.uploaded-data-set-longer-available"));
            }
            folder = Files.createTempDirectory("evaluation");
            ModelArchive.unpackInto(zip, folder);
            List<LabelledImage> images = ModelEvaluationService.labelledImages(folder, model);
            ProgressThrottle progress = progressOf(id);
            double[] probabilities = new double[images.size()];
            boolean[] labels = new boolean[images.size()];
            int scored = 0;
            for (int i = 0; i < images.size(); i++) {
                try {
                    probabilities[scored] = inference.predict(images.get(i).file(),
                            PredictionRequest.auto().withModel(model.id()), ProgressListener.NONE).probability();
                    labels[scored++] = images.get(i).positive();
                } catch (PredictionFailedException e) {
                    // a patch without tissue gets no prediction in the app either: it is left out, and said so
                    if (e.reason() != PredictionFailedException.Reason.NO_TISSUE) {
                        throw e;
                    }
                }
                progress.report((i + 1) / (double) images.size());
            }
            int withoutTissue = images.size() - scored;
            if (scored == 0) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.none-images-shows-tissue", String.valueOf(images.size())));
            }
            EvaluationMetrics metrics = EvaluationMetrics.compute(java.util.Arrays.copyOf(probabilities, scored),
                    java.util.Arrays.copyOf(labels, scored), evaluation.threshold, evaluation.targetSensitivity);
            finish(id, EvaluationStatus.DONE, metrics, withoutTissue == 0 ? null
                    : PeopleText.of("models.eval.note.no-tissue", withoutTissue, images.size()));
        } catch (IOException e) {
            finish(id, EvaluationStatus.FAILED, null, PeopleText.of("models.eval.reason.unpack"));
        } catch (ImageRejectedException | PredictionFailedException | ModelPackageRejectedException e) {
            finish(id, EvaluationStatus.FAILED, null, ErrorReference.jobRefusalText(log, "Evaluation " + id, e));
        } catch (RuntimeException e) {
            finish(id, EvaluationStatus.FAILED, null, ErrorReference.jobFailureText(log, "Evaluation " + id, e));
        } finally {
            ModelRegistryService.deleteQuietly(folder);
        }
    }

    private void finish(long id, EvaluationStatus status, EvaluationMetrics metrics, PeopleText reason) {
        boolean finished = Boolean.TRUE.equals(transaction.execute(tx -> {
            ModelEvaluationEntity entity = evaluations.lockById(id).orElse(null);
            if (entity == null || entity.status != EvaluationStatus.RUNNING) {
                return false;
            }
            entity.status = status;
            entity.result = metrics;
            entity.setReason(reason);
            entity.progress = metrics == null ? entity.progress : 1;
            entity.finishedAt = clock.instant();
            audit.recordAs(entity.createdBy, ModelAuditAction.MODEL_EVALUATED, ModelRegistryService.TARGET_TYPE,
                    String.valueOf(entity.modelId), metrics == null ? Map.of("evaluation", id, "status", status.name())
                            : Map.of("evaluation", id, "status", status.name(), "n", metrics.n(),
                            "auc", String.format(Locale.ROOT, "%.4f", metrics.auc())));
            return true;
        }));
        if (finished) {
            ModelRegistryService.deleteQuietly(dataSetOf(id));
        }
    }

    /**
     * Stores progress in its own short transactions, at most twice a second, for the view to show; the end (1.0) is
     * left to {@link #finish}, which stores it with the result.
     */
    private ProgressThrottle progressOf(long id) {
        return new ProgressThrottle(clock, fraction -> {
            if (fraction < 1) {
                transaction.executeWithoutResult(status -> evaluations.findById(id)
                        .filter(e -> e.status == EvaluationStatus.RUNNING).ifPresent(e -> e.progress = fraction));
            }
        });
    }
}
