package org.histoscope.models;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.FreeText;
import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.RuleRefusedException;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.histoscope.audit.AuditService;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.ModelCatalog;
import org.histoscope.inference.ModelDescriptor;
import org.histoscope.inference.PredictionFailedException;
import org.histoscope.security.Roles;
import org.histoscope.models.internal.ModelPackageValidator.ValidatedPackage;
import org.histoscope.models.internal.ModelArchive;
import org.histoscope.models.internal.ModelAuditAction;
import org.histoscope.models.internal.ModelPackageValidator;
import org.histoscope.models.internal.ModelsSettings;
import org.histoscope.models.internal.RegisteredModelEntity;
import org.histoscope.models.internal.RegisteredModelRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The model registry on PostgreSQL, and the catalog inference takes its models from. */
@Service
@EnableConfigurationProperties(ModelsSettings.class)
@RolesAllowed(Roles.ADMIN)
public class ModelRegistryService implements ModelRegistry, ModelCatalog {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistryService.class);
    public static final String TARGET_TYPE = "model";
    private static final int MAX_REASON = 500;

    private final RegisteredModelRepository models;
    private final ModelPackageValidator validator;
    private final AuditService audit;
    private final ModelsSettings settings;
    private final Clock clock;
    /** Files whose sha256 was verified against the registry: key "sha256|path|size|modified". */
    private final Set<String> verifiedFiles = ConcurrentHashMap.newKeySet();
    /**
     * Parsed cards by registered model and file hash: a card is written once, at registration, and every upload and
     * job reads the active model, so parsing it each time cost more than the query (a third of an upload's CPU).
     */
    private final Map<String, ModelCard> parsedCards = new ConcurrentHashMap<>();

    ModelRegistryService(RegisteredModelRepository models, ModelPackageValidator validator, AuditService audit,
                         ModelsSettings settings, Clock clock) {
        this.clock = clock;
        this.models = models;
        this.validator = validator;
        this.audit = audit;
        this.settings = settings;
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public List<RegisteredModel> all() {
        return models.findAllByOrderByAddedAtDesc().stream().map(RegisteredModelEntity::toValue).toList();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<RegisteredModel> find(long id) {
        return models.findById(id).map(RegisteredModelEntity::toValue);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<RegisteredModel> findVersion(String modelId, String version) {
        return models.findFirstByModelIdAndVersionOrderByAddedAtDesc(modelId, version).map(RegisteredModelEntity::toValue);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<RegisteredModel> active() {
        return models.findByStatus(ModelStatus.ACTIVE).map(RegisteredModelEntity::toValue);
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    public RegisteredModel addUploaded(UploadedModelFiles files) {
        if (!files.complete()) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.upload-package-zip-model-onnx"));
        }
        Optional<Path> zip = files.file(UploadedModelFiles.ZIP);
        Path folder = null;
        try {
            RegisteredModel added;
            if (zip.isPresent()) {
                added = addPackage(zip.get());
            } else {
                folder = Files.createTempDirectory("model-package");
                Files.copy(files.file(UploadedModelFiles.ONNX).orElseThrow(), folder.resolve(ModelCards.MODEL_FILE),
                        StandardCopyOption.REPLACE_EXISTING);
                Files.copy(files.file(UploadedModelFiles.CARD).orElseThrow(), folder.resolve(ModelCards.CARD_FILE),
                        StandardCopyOption.REPLACE_EXISTING);
                added = addPackage(folder);
            }
            files.discardAll();
            return added;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(folder);
        }
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    public RegisteredModel addPackage(Path packageFolderOrZip) {
        Path unpacked = null;
        Path stored = null;
        try {
            Path folder = packageFolderOrZip;
            if (Files.isRegularFile(packageFolderOrZip)) {
                unpacked = Files.createTempDirectory("model-upload");
                folder = ModelArchive.unpack(packageFolderOrZip, unpacked);
            }
            ValidatedPackage validated = validator.validate(folder);
            models.findBySha256(validated.sha256()).ifPresent(existing -> {
                throw new ModelPackageRejectedException(PeopleText.of("refusal.models.model-already-registered-registry-id", String.valueOf(existing.name), String.valueOf(existing.version), String.valueOf(existing.id)));
            });
            stored = copyIntoModelsDirectory(folder, validated.card());
            RegisteredModelEntity entity = register(validated, stored, ModelStatus.AVAILABLE, currentActor());
            audit.record(ModelAuditAction.MODEL_ADDED, TARGET_TYPE, String.valueOf(entity.id), details(entity, validated));
            return entity.toValue();
        } catch (IOException e) {
            deleteQuietly(stored);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(stored);
            throw e;
        } finally {
            deleteQuietly(unpacked);
        }
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    public RegisteredModel activate(long id) {
        RegisteredModelEntity model = get(id);
        if (model.status == ModelStatus.ACTIVE) {
            return model.toValue();
        }
        if (model.status == ModelStatus.RETIRED) {
            throw new RuleRefusedException("retired", PeopleText.of("refusal.models.retired-model-cannot-activated"));
        }
        if (!fileMatches(model)) {
            throw new RuleRefusedException("file-changed", PeopleText.of("refusal.models.model-file-missing-changed-disk", String.valueOf(model.name), String.valueOf(model.version)));
        }
        return makeActive(model).toValue();
    }

    /** Demotes the current active model and promotes {@code model}, with an audit event (the caller's transaction). */
    @RolesAllowed({Roles.ADMIN, Roles.SYSTEM}) // also the start-up scan of the models directory
    public RegisteredModelEntity makeActive(RegisteredModelEntity model) {
        Optional<RegisteredModelEntity> previous = models.findByStatus(ModelStatus.ACTIVE);
        previous.ifPresent(p -> {
            p.status = ModelStatus.AVAILABLE;
            models.saveAndFlush(p);
        });
        model.status = ModelStatus.ACTIVE;
        models.saveAndFlush(model);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelId", model.modelId);
        details.put("version", model.version);
        details.put("previousActive", previous.map(p -> p.id).orElse(null));
        audit.record(ModelAuditAction.MODEL_ACTIVATED, TARGET_TYPE, String.valueOf(model.id), details);
        log.info("Model {} {} (registry id {}) is now active", model.modelId, model.version, model.id);
        return model;
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    public RegisteredModel retire(long id) {
        RegisteredModelEntity model = get(id);
        if (model.status == ModelStatus.ACTIVE) {
            throw new RuleRefusedException("active",
                    PeopleText.of("refusal.models.active-model-cannot-retired-activate"));
        }
        if (model.status == ModelStatus.RETIRED) {
            return model.toValue();
        }
        model.status = ModelStatus.RETIRED;
        models.saveAndFlush(model);
        audit.record(ModelAuditAction.MODEL_RETIRED, TARGET_TYPE, String.valueOf(model.id),
                Map.of("modelId", model.modelId, "version", model.version));
        return model.toValue();
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    public RegisteredModel changeThreshold(long id, double threshold, String reason) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new InputRejectedException("threshold", "out-of-range",
                    PeopleText.of("refusal.models.threshold-must-between-0-1"));
        }
        String why = reason == null ? "" : FreeText.clean(reason).strip();
        if (why.isEmpty()) {
            throw new InputRejectedException("reason", "required", PeopleText.of("refusal.models.reason-required-change-threshold"));
        }
        if (why.length() > MAX_REASON) {
            throw new InputRejectedException("reason", "too-long", PeopleText.of("refusal.models.reason-may-most-characters", String.valueOf(MAX_REASON)));
        }
        RegisteredModelEntity model = get(id);
        double previous = model.threshold;
        model.threshold = threshold;
        models.saveAndFlush(model);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelId", model.modelId);
        details.put("version", model.version);
        details.put("from", previous);
        details.put("to", threshold);
        details.put("reason", why);
        audit.record(ModelAuditAction.MODEL_THRESHOLD_CHANGED, TARGET_TYPE, String.valueOf(model.id), details);
        return model.toValue();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<ModelDescriptor> activeModel() {
        return models.findByStatus(ModelStatus.ACTIVE).map(this::descriptor);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<ModelDescriptor> model(long registeredModelId) {
        return models.findById(registeredModelId).filter(m -> m.status != ModelStatus.RETIRED).map(this::descriptor);
    }

    private ModelDescriptor descriptor(RegisteredModelEntity model) {
        if (!fileMatches(model)) {
            throw new PredictionFailedException(PredictionFailedException.Reason.MODEL_UNUSABLE,
                    PeopleText.of("refusal.inference.model-file-changed", String.valueOf(model.name), String.valueOf(model.version)));
        }
        ModelCard card = parsedCards.computeIfAbsent(model.id + "|" + model.sha256, key -> ModelCards.fromMap(model.card));
        return new ModelDescriptor(model.id, card, onnxFile(model), model.sha256, model.threshold);
    }

    @RolesAllowed({Roles.ADMIN, Roles.SYSTEM}) // also the start-up scan of the models directory
    public boolean fileMatches(RegisteredModelEntity model) {
        Path file = onnxFile(model);
        try {
            String key = model.sha256 + "|" + file.toAbsolutePath() + "|" + Files.size(file) + "|"
                    + Files.getLastModifiedTime(file).toMillis();
            if (verifiedFiles.contains(key)) {
                return true;
            }
            if (ModelPackageValidator.sha256(file).equals(model.sha256)) {
                verifiedFiles.add(key);
                return true;
            }
            log.error("Model file {} does not match the sha256 {} registered for {} {}", file, model.sha256,
                    model.modelId, model.version);
            return false;
        } catch (IOException | ModelPackageRejectedException e) {
            log.error("Model file {} of {} {} cannot be read: {}", file, model.modelId, model.version, e.getMessage());
            return false;
        }
    }

    private static Path onnxFile(RegisteredModelEntity model) {
        return Path.of(model.storagePath).resolve(ModelCards.MODEL_FILE);
    }

    @RolesAllowed({Roles.ADMIN, Roles.SYSTEM}) // also the start-up scan of the models directory
    public RegisteredModelEntity register(ValidatedPackage validated, Path storage, ModelStatus status, String actor) {
        ModelCard card = validated.card();
        RegisteredModelEntity entity = new RegisteredModelEntity();
        entity.modelId = card.id();
        entity.name = card.name();
        entity.version = card.version();
        entity.architecture = card.architecture().isBlank() ? "unknown" : card.architecture();
        entity.classes = card.classes();
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("name", card.input().name());
        input.put("height", card.input().height());
        input.put("width", card.input().width());
        input.put("layout", card.input().layout());
        input.put("channelOrder", card.input().channelOrder());
        input.put("scale", card.input().scale());
        input.put("mean", card.input().mean());
        input.put("std", card.input().std());
        input.put("resizeMethod", card.input().resizeMethod());
        input.put("micronsPerPixel", card.micronsPerPixel());
        entity.inputSpec = input;
        entity.threshold = card.threshold();
        entity.cardThreshold = card.threshold();
        entity.status = status;
        entity.metrics = card.metrics();
        entity.sha256 = validated.sha256();
        entity.storagePath = storage.toAbsolutePath().normalize().toString();
        entity.card = validated.cardJson();
        entity.referenceChecked = validated.referenceChecked();
        entity.addedBy = actor;
        entity.addedAt = Instant.now(clock);
        return models.saveAndFlush(entity);
    }

    public static Map<String, Object> details(RegisteredModelEntity entity, ValidatedPackage validated) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("modelId", entity.modelId);
        details.put("version", entity.version);
        details.put("sha256", entity.sha256);
        details.put("storagePath", entity.storagePath);
        details.put("referencePatches", validated.referencePatches());
        details.put("referenceMaxDifference", validated.worstDifference());
        return details;
    }

    private RegisteredModelEntity get(long id) {
        return models.findById(id).orElseThrow(() -> new InputRejectedException("model", "unknown", PeopleText.of("refusal.models.no-model-with-registry-id", String.valueOf(id))));
    }

    private String currentActor() {
        var authentication = org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication();
        return authentication == null ? "system" : authentication.getName();
    }

    /** Copies the package to models/<id>-<version>-<sha prefix>/ unless it already lies in the models directory. */
    private Path copyIntoModelsDirectory(Path folder, ModelCard card) throws IOException {
        Path directory = settings.directory().toAbsolutePath().normalize();
        if (folder.toAbsolutePath().normalize().startsWith(directory)) {
            return folder;
        }
        String name = (card.id() + "-" + card.version() + "-" + card.sha256().substring(0, 12))
                .replaceAll("[^A-Za-z0-9._-]", "_");
        Path target = directory.resolve(name);
        if (Files.exists(target)) {
            throw new ModelPackageRejectedException(PeopleText.of("refusal.models.folder-already-exists-models-directory", String.valueOf(target)));
        }
        Files.createDirectories(directory);
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path destination = target.resolve(folder.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target;
    }

    public static void deleteQuietly(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", path, e.getMessage());
        }
    }
}
