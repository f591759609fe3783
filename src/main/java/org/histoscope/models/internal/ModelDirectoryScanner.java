package org.histoscope.models.internal;

import org.histoscope.security.SystemIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.histoscope.audit.AuditService;
import org.histoscope.inference.ModelCards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.histoscope.platform.BeforeServing;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.histoscope.platform.Unguarded;
import org.histoscope.models.ModelPackageRejectedException;
import org.histoscope.models.ModelRegistryService;
import org.histoscope.models.ModelStatus;

/**
 * At start-up, registers the packages in the models directory that are not registered yet (after full validation;
 * a package that fails, e.g. whose model.onnx does not match the sha256 of its card, is refused with an ERROR and
 * the application starts anyway), and makes sure one model is active: the configured default model at first, or the
 * newest package of the same model id when the active one's file was replaced in place.
 */
@Component
@Unguarded("start-up registration of the model packages, run as the system identity")
class ModelDirectoryScanner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ModelDirectoryScanner.class);
    private static final String SYSTEM = "system";

    private final ModelRegistryService registry;
    private final RegisteredModelRepository models;
    private final ModelPackageValidator validator;
    private final AuditService audit;
    private final ModelsSettings settings;
    private final TransactionTemplate transactions;

    ModelDirectoryScanner(ModelRegistryService registry, RegisteredModelRepository models,
                          ModelPackageValidator validator, AuditService audit, ModelsSettings settings,
                          TransactionTemplate transactions) {
        this.registry = registry;
        this.models = models;
        this.validator = validator;
        this.audit = audit;
        this.settings = settings;
        this.transactions = transactions;
    }

    private volatile boolean scanned;

    /** Before the HTTP port opens (BeforeServing): nobody is served before the models are registered. */
    @Override
    public void start() {
        SystemIdentity.run(this::registerPackagesAndActivateDefault);
        scanned = true;
    }

    @Override
    public void stop() {
        scanned = false;
    }

    @Override
    public boolean isRunning() {
        return scanned;
    }

    @Override
    public int getPhase() {
        return BeforeServing.phase(BeforeServing.REGISTER_MODELS);
    }

    private void registerPackagesAndActivateDefault() {
        scan();
    }

    void scan() {
        for (Path folder : packageFolders()) {
            registerIfNew(folder);
        }
        transactions.executeWithoutResult(status -> ensureActiveModel());
    }

    private List<Path> packageFolders() {
        Path directory = settings.directory();
        if (!Files.isDirectory(directory)) {
            log.warn("The models directory {} does not exist: no model packages registered from it",
                    directory.toAbsolutePath());
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(p -> Files.isRegularFile(p.resolve(ModelCards.CARD_FILE))).sorted().toList();
        } catch (IOException e) {
            log.error("The models directory {} cannot be read: {}", directory.toAbsolutePath(), e.getMessage());
            return List.of();
        }
    }

    private void registerIfNew(Path folder) {
        try {
            Path onnx = folder.resolve(ModelCards.MODEL_FILE);
            if (Files.isRegularFile(onnx) && models.findBySha256(ModelPackageValidator.sha256(onnx)).isPresent()) {
                return;
            }
            ModelPackageValidator.ValidatedPackage validated = validator.validate(folder);
            transactions.executeWithoutResult(status -> {
                RegisteredModelEntity entity = registry.register(validated, folder, ModelStatus.AVAILABLE, SYSTEM);
                audit.recordAs(SYSTEM, ModelAuditAction.MODEL_REGISTERED, ModelRegistryService.TARGET_TYPE,
                        String.valueOf(entity.id), ModelRegistryService.details(entity, validated));
                log.info("Registered model package {} as {} {} (registry id {}, reference patches checked: {})",
                        folder, entity.modelId, entity.version, entity.id, validated.referencePatches());
            });
        } catch (ModelPackageRejectedException e) {
            log.error("Model package {} REFUSED, not registered: {}", folder.toAbsolutePath(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("Model package {} REFUSED, not registered: {}", folder.toAbsolutePath(), e.toString());
        }
    }

    private void ensureActiveModel() {
        Optional<RegisteredModelEntity> active = models.findByStatus(ModelStatus.ACTIVE);
        if (active.isPresent() && registry.fileMatches(active.get())) {
            return;
        }
        List<RegisteredModelEntity> usable = models.findAllByOrderByAddedAtDesc().stream()
                .filter(m -> m.status == ModelStatus.AVAILABLE).filter(registry::fileMatches).toList();
        String preferredId = active.map(m -> m.modelId).orElse(settings.defaultId());
        Optional<RegisteredModelEntity> choice = usable.stream().filter(m -> m.modelId.equals(preferredId)).findFirst()
                .or(() -> usable.stream().min(Comparator.comparing((RegisteredModelEntity m) -> m.addedAt)));
        if (choice.isEmpty()) {
            if (active.isPresent()) {
                log.error("The active model {} {} is unusable (file missing or changed) and no replacement is "
                        + "registered: predictions will fail until an administrator adds a model", active.get().modelId,
                        active.get().version);
            } else {
                log.warn("No model is registered: predictions are unavailable until a model package is added");
            }
            return;
        }
        registry.makeActive(choice.get());
    }
}
