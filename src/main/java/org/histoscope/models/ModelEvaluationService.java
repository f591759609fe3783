package org.histoscope.models;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.FreeText;
import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.RuleRefusedException;
import java.time.Clock;
import java.util.Map;
import org.histoscope.audit.AuditService;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.histoscope.security.Roles;
import org.histoscope.models.internal.EvaluationStatus;
import org.histoscope.models.internal.EvaluationTaskConfiguration;
import org.histoscope.models.internal.ModelArchive;
import org.histoscope.models.internal.ModelAuditAction;
import org.histoscope.models.internal.ModelEvaluationEntity;
import org.histoscope.models.internal.ModelEvaluationExecutor;
import org.histoscope.models.internal.ModelEvaluationRepository;
import org.springframework.context.annotation.Lazy;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates a registered model on an uploaded zip of images with a labels.csv ({@code file,label}, label 0/1 or the
 * card's class names). Runs as a durable db-scheduler job ({@link ModelEvaluationExecutor}); the result (AUC,
 * accuracy, sensitivity, specificity at the model's threshold, confusion matrix, ROC curve and the threshold that
 * reaches the target sensitivity) is stored with the model and audited.
 */
@Service
@RolesAllowed(Roles.ADMIN)
public class ModelEvaluationService {

    static final int MAX_IMAGES = 5000;

    private final ModelEvaluationRepository evaluations;
    private final ModelRegistry registry;
    private final TransactionTemplate transactions;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> evaluationTask;
    private final ModelEvaluationExecutor executor;
    private final AuditService audit;

    private final Clock clock;

    ModelEvaluationService(ModelEvaluationRepository evaluations, ModelRegistry registry, TransactionTemplate transactions,
                           @Lazy SchedulerClient scheduler, OneTimeTask<Long> evaluationTask,
                           ModelEvaluationExecutor executor, AuditService audit, Clock clock) {
        this.clock = clock;
        this.audit = audit;
        this.evaluations = evaluations;
        this.registry = registry;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.evaluationTask = evaluationTask;
        this.executor = executor;
    }

    /**
     * Checks the zip (readable, has labels.csv naming existing images), keeps it in the evaluation directory and
     * queues the evaluation as a durable job; the evaluation row, the kept zip and the queue entry are created
     * together. The given zip is consumed (moved away, or deleted when refused).
     *
     * @throws ModelPackageRejectedException when the data set is unusable (nothing is stored)
     */
    @RolesAllowed(Roles.ADMIN)
    public ModelEvaluation start(long modelId, Path zip, String typedDatasetName, double targetSensitivity) {
        String datasetName = FreeText.clean(typedDatasetName);
        if (!(targetSensitivity > 0 && targetSensitivity <= 1)) {
            throw new InputRejectedException("targetSensitivity", "out-of-range",
                    PeopleText.of("refusal.models.target-sensitivity-must-between-0"));
        }
        RegisteredModel model = registry.find(modelId)
                .orElseThrow(() -> new InputRejectedException("model", "unknown", PeopleText.of("refusal.models.no-model-with-registry-id", String.valueOf(modelId))));
        if (model.status() == ModelStatus.RETIRED) {
            throw new RuleRefusedException("retired", PeopleText.of("refusal.models.retired-model-cannot-evaluated"));
        }
        Path folder = null;
        try {
            folder = Files.createTempDirectory("evaluation");
            ModelArchive.unpackInto(zip, folder);
            labelledImages(folder, model);
        } catch (IOException e) {
            deleteQuietly(zip);
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.data-set-could-unpacked"));
        } catch (RuntimeException e) {
            deleteQuietly(zip);
            throw e;
        } finally {
            deleteQuietly(folder);
        }
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        Path[] kept = new Path[1];
        try {
            ModelEvaluationEntity entity = transactions.execute(status -> {
                ModelEvaluationEntity e = new ModelEvaluationEntity();
                e.modelId = modelId;
                e.datasetName = datasetName == null || datasetName.isBlank() ? "upload" : datasetName.strip();
                e.status = EvaluationStatus.RUNNING;
                e.targetSensitivity = targetSensitivity;
                e.threshold = model.threshold();
                e.createdBy = actor;
                e.createdAt = clock.instant();
                ModelEvaluationEntity saved = evaluations.saveAndFlush(e);
                kept[0] = keep(zip, executor.dataSetOf(saved.id));
                scheduler.schedule(evaluationTask.instance(EvaluationTaskConfiguration.instanceId(saved.id), saved.id),
                        clock.instant());
                audit.record(ModelAuditAction.MODEL_EVALUATION_STARTED, ModelRegistryService.TARGET_TYPE,
                        String.valueOf(modelId), Map.of("evaluationId", saved.id, "dataset", saved.datasetName,
                                "targetSensitivity", targetSensitivity));
                return saved;
            });
            return entity.toValue();
        } catch (RuntimeException e) {
            deleteQuietly(kept[0]);
            throw e;
        } finally {
            deleteQuietly(zip);
        }
    }

    private static Path keep(Path zip, Path target) {
        try {
            Files.createDirectories(target.getParent());
            return Files.move(zip, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("The data set could not be kept for its evaluation job.", e);
        }
    }

    public List<ModelEvaluation> forModel(long modelId) {
        return evaluations.findByModelIdOrderByCreatedAtDesc(modelId).stream().map(ModelEvaluationEntity::toValue).toList();
    }

    public Optional<ModelEvaluation> find(long id) {
        return evaluations.findById(id).map(ModelEvaluationEntity::toValue);
    }

    public record LabelledImage(Path file, boolean positive) {
    }

    public static List<LabelledImage> labelledImages(Path folder, RegisteredModel model) throws IOException {
        Path csv;
        try (var files = Files.walk(folder, 3)) {
            csv = files.filter(p -> p.getFileName().toString().equals("labels.csv")).findFirst()
                    .orElseThrow(() -> new ModelPackageRejectedException(PeopleText.of("refusal.models.zip-lacks-labels-csv")));
        }
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        List<LabelledImage> images = new ArrayList<>();
        Path base = csv.getParent();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            if (fields.length < 2) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.labels-csv-malformed-line", String.valueOf(line)));
            }
            Path file = base.resolve(fields[0].strip()).normalize();
            if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.labels-csv-names-missing-image", String.valueOf(fields[0])));
            }
            images.add(new LabelledImage(file, positive(fields[1].strip(), model)));
        }
        if (images.isEmpty() || images.size() > MAX_IMAGES) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.labels-csv-must-list-between", String.valueOf(MAX_IMAGES)));
        }
        return images;
    }

    private static boolean positive(String label, RegisteredModel model) {
        if (label.equals("1") || label.equalsIgnoreCase(model.classes().get(1))) {
            return true;
        }
        if (label.equals("0") || label.equalsIgnoreCase(model.classes().get(0))) {
            return false;
        }
        throw new ModelPackageRejectedException(PeopleText.of("refusal.models.unknown-label-use-0-1", String.valueOf(label), String.valueOf(model.classes())));
    }

    private static void deleteQuietly(Path path) {
        ModelRegistryService.deleteQuietly(path);
    }
}
