package org.histoscope.models;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.histoscope.audit.AuditService;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.InferenceService;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.inference.PredictionRequest;
import org.histoscope.inference.ProgressListener;
import org.histoscope.security.Roles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates a registered model on an uploaded zip of images with a labels.csv ({@code file,label}, label 0/1 or the
 * card's class names). Runs in the background on one worker thread (evaluations queue up); the result (AUC,
 * accuracy, sensitivity, specificity at the model's threshold, confusion matrix, ROC curve and the threshold that
 * reaches the target sensitivity) is stored with the model and audited.
 */
@Service
public class ModelEvaluationService {

    private static final Logger log = LoggerFactory.getLogger(ModelEvaluationService.class);
    static final int MAX_IMAGES = 5000;

    private final ModelEvaluationRepository evaluations;
    private final ModelRegistry registry;
    private final InferenceService inference;
    private final AuditService audit;
    private final TransactionTemplate transactions;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "model-evaluation");
        thread.setDaemon(true);
        return thread;
    });

    ModelEvaluationService(ModelEvaluationRepository evaluations, ModelRegistry registry, InferenceService inference,
                           AuditService audit, TransactionTemplate transactions) {
        this.evaluations = evaluations;
        this.registry = registry;
        this.inference = inference;
        this.audit = audit;
        this.transactions = transactions;
    }

    /**
     * Checks the zip (readable, has labels.csv naming existing images) and starts the evaluation in the background.
     * The zip is consumed (deleted when done).
     *
     * @throws ModelPackageRejectedException when the data set is unusable (nothing is stored)
     */
    @RolesAllowed(Roles.ADMIN)
    public ModelEvaluation start(long modelId, Path zip, String datasetName, double targetSensitivity) {
        if (!(targetSensitivity > 0 && targetSensitivity <= 1)) {
            throw new IllegalArgumentException("The target sensitivity must be between 0 and 1.");
        }
        RegisteredModel model = registry.find(modelId)
                .orElseThrow(() -> new IllegalArgumentException("No model with registry id " + modelId + "."));
        if (model.status() == ModelStatus.RETIRED) {
            throw new IllegalStateException("A retired model cannot be evaluated.");
        }
        Path folder = null;
        List<LabelledImage> images;
        try {
            folder = Files.createTempDirectory("evaluation");
            ModelArchive.unpackInto(zip, folder);
            images = labelledImages(folder, model);
        } catch (IOException e) {
            deleteQuietly(folder);
            throw new ModelPackageRejectedException("The data set could not be unpacked.");
        } catch (RuntimeException e) {
            deleteQuietly(folder);
            throw e;
        } finally {
            deleteQuietly(zip);
        }
        Path unpacked = folder;
        String actor = SecurityContextHolder.getContext().getAuthentication().getName();
        ModelEvaluationEntity entity = transactions.execute(status -> {
            ModelEvaluationEntity e = new ModelEvaluationEntity();
            e.modelId = modelId;
            e.datasetName = datasetName == null || datasetName.isBlank() ? "upload" : datasetName.strip();
            e.status = "RUNNING";
            e.targetSensitivity = targetSensitivity;
            e.threshold = model.threshold();
            e.createdBy = actor;
            e.createdAt = Instant.now();
            return evaluations.saveAndFlush(e);
        });
        long id = entity.id;
        worker.submit(() -> run(id, model, unpacked, images, actor));
        return entity.toValue();
    }

    public List<ModelEvaluation> forModel(long modelId) {
        return evaluations.findByModelIdOrderByCreatedAtDesc(modelId).stream().map(ModelEvaluationEntity::toValue).toList();
    }

    public Optional<ModelEvaluation> find(long id) {
        return evaluations.findById(id).map(ModelEvaluationEntity::toValue);
    }

    record LabelledImage(Path file, boolean positive) {
    }

    private static List<LabelledImage> labelledImages(Path folder, RegisteredModel model) throws IOException {
        Path csv;
        try (var files = Files.walk(folder, 3)) {
            csv = files.filter(p -> p.getFileName().toString().equals("labels.csv")).findFirst()
                    .orElseThrow(() -> new ModelPackageRejectedException("The zip has no labels.csv."));
        }
        List<String> lines = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).toList();
        List<LabelledImage> images = new ArrayList<>();
        Path base = csv.getParent();
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            if (fields.length < 2) {
                throw new ModelPackageRejectedException("labels.csv has a malformed line: " + line);
            }
            Path file = base.resolve(fields[0].strip()).normalize();
            if (!file.startsWith(base) || !Files.isRegularFile(file)) {
                throw new ModelPackageRejectedException("labels.csv names a missing image: " + fields[0]);
            }
            images.add(new LabelledImage(file, positive(fields[1].strip(), model)));
        }
        if (images.isEmpty() || images.size() > MAX_IMAGES) {
            throw new ModelPackageRejectedException("labels.csv must list between 1 and " + MAX_IMAGES + " images.");
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
        throw new ModelPackageRejectedException("Unknown label '" + label + "': use 0/1 or " + model.classes() + ".");
    }

    private void run(long id, RegisteredModel model, Path folder, List<LabelledImage> images, String actor) {
        try {
            double[] probabilities = new double[images.size()];
            boolean[] labels = new boolean[images.size()];
            for (int i = 0; i < images.size(); i++) {
                probabilities[i] = inference.predict(images.get(i).file(), PredictionRequest.auto().withModel(model.id()),
                        ProgressListener.NONE).probability();
                labels[i] = images.get(i).positive();
            }
            ModelEvaluationEntity stored = evaluations.findById(id).orElseThrow();
            EvaluationMetrics metrics = EvaluationMetrics.compute(probabilities, labels, stored.threshold,
                    stored.targetSensitivity);
            finish(id, "DONE", metrics, null, actor);
        } catch (ImageRejectedException | PredictionFailedException e) {
            finish(id, "FAILED", null, e.getMessage(), actor);
        } catch (RuntimeException e) {
            log.error("Evaluation {} failed", id, e);
            finish(id, "FAILED", null, "Unexpected error: " + e.getClass().getSimpleName(), actor);
        } finally {
            deleteQuietly(folder);
        }
    }

    private void finish(long id, String status, EvaluationMetrics metrics, String error, String actor) {
        transactions.executeWithoutResult(tx -> {
            ModelEvaluationEntity entity = evaluations.findById(id).orElseThrow();
            entity.status = status;
            entity.result = metrics;
            entity.error = error == null ? null : error.substring(0, Math.min(1000, error.length()));
            entity.finishedAt = Instant.now();
            evaluations.saveAndFlush(entity);
            audit.recordAs(actor, ModelAuditAction.MODEL_EVALUATED, ModelRegistryService.TARGET_TYPE,
                    String.valueOf(entity.modelId), metrics == null ? Map.of("evaluation", id, "status", status)
                            : Map.of("evaluation", id, "status", status, "n", metrics.n(),
                            "auc", String.format(Locale.ROOT, "%.4f", metrics.auc())));
        });
    }

    private static void deleteQuietly(Path path) {
        ModelRegistryService.deleteQuietly(path);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
