package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.histoscope.inference.ModelCatalog;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.test.context.support.WithMockUser;
import org.histoscope.testsupport.TinyModelsContext;

/**
 * The model registry on real PostgreSQL with real ONNX Runtime: start-up registration (a tampered package is refused
 * and the application still starts), validation of added packages, exactly one ACTIVE model, audited changes.
 */
class ModelRegistryTest extends TinyModelsContext {

    @Autowired
    ModelRegistry registry;
    @Autowired
    ModelCatalog catalog;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    @WithMockUser(username = "reader", roles = "PATHOLOGIST")
    void startUpRegistersTheDefaultModelAsActiveAndRefusesTheTamperedPackage() {
        List<RegisteredModel> all = registry.all();
        assertThat(all).extracting(RegisteredModel::modelId).contains("tiny-test-model");
        assertThat(all).extracting(RegisteredModel::storagePath).noneMatch(path -> path.endsWith("tampered"));
        RegisteredModel tiny = all.stream().filter(m -> m.modelId().equals("tiny-test-model")).findFirst().orElseThrow();
        assertThat(tiny.sha256()).isEqualTo("44a960551dd190cb8fd9651bfefe39b79f56192cf981429a16fd890d15866998");
        assertThat(tiny.addedBy()).isEqualTo("system");
        assertThat(tiny.metrics()).containsKey("test");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'MODEL_REGISTERED'",
                Integer.class)).isGreaterThanOrEqualTo(1);
        assertThat(catalog.activeModel()).isPresent();
    }

    @Test
    @WithMockUser(username = "admin1", roles = "ADMIN")
    void packageWhoseModelDoesNotMatchItsCardsSha256IsRefused(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path tampered = ModelPackages.tampered("tiny-test-model-b", dir.resolve("b"));
        int before = registry.all().size();
        assertThatThrownBy(() -> registry.addPackage(tampered)).isInstanceOf(ModelPackageRejectedException.class)
                .hasMessageContaining("sha256");
        assertThat(registry.all()).hasSize(before);
    }

    @Test
    @WithMockUser(username = "admin1", roles = "ADMIN")
    void packageThatDoesNotReproduceItsReferenceIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path copy = ModelPackages.copy(ModelPackages.fixture("tiny-test-model-b"), dir.resolve("b"));
        Path csv = copy.resolve("reference/probabilities.csv");
        List<String> lines = Files.readAllLines(csv);
        String[] first = lines.get(1).split(",");
        lines.set(1, first[0] + "," + (Double.parseDouble(first[1]) + 0.01));
        Files.write(csv, lines);
        assertThatThrownBy(() -> registry.addPackage(copy)).isInstanceOf(ModelPackageRejectedException.class)
                .hasMessageContaining("does not reproduce its reference");
    }

    @Test
    @WithMockUser(username = "admin1", roles = "ADMIN")
    void aCardWithoutAThresholdIsRefusedNamingTheFieldInTheAdminsLanguage(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path copy = ModelPackages.copy(ModelPackages.fixture("tiny-test-model-b"), dir.resolve("b"));
        Path card = copy.resolve("model-card.json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(card.toFile());
        root.remove("threshold");
        json.writeValue(card.toFile(), root);

        ModelPackageRejectedException refused = org.assertj.core.api.Assertions.catchThrowableOfType(
                ModelPackageRejectedException.class, () -> registry.addPackage(copy));
        assertThat(refused.getMessage()).isEqualTo("The model card lacks 'threshold'.");
        assertThat(refused.text().in(java.util.Locale.GERMAN))
                .isEqualTo("Die Modellkarte ist ungültig: The model card lacks 'threshold'.");
    }

    @Test
    @WithMockUser(username = "admin1", roles = "ADMIN")
    void zipEscapingThePackageFolderIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path zip = ModelPackages.zipWithEntry(dir.resolve("evil.zip"), "../../evil.txt", new byte[] {1});
        assertThatThrownBy(() -> registry.addPackage(zip)).isInstanceOf(ModelPackageRejectedException.class)
                .hasMessageContaining("outside the package");
    }

    @Test
    @WithMockUser(username = "admin1", roles = "ADMIN")
    void addActivateRetireKeepExactlyOneActiveAndAreAudited(@org.junit.jupiter.api.io.TempDir Path dir) {
        RegisteredModel original = registry.active().orElseThrow();
        Path zip = ModelPackages.zip(ModelPackages.fixture("tiny-test-model-b"), dir.resolve("b.zip"));
        RegisteredModel added = registry.addPackage(zip);
        assertThat(added.status()).isEqualTo(ModelStatus.AVAILABLE);
        assertThat(added.addedBy()).isEqualTo("admin1");
        assertThat(Path.of(added.storagePath())).startsWith(MODELS);
        assertThat(Path.of(added.storagePath()).resolve("model.onnx")).exists();
        assertThatThrownBy(() -> registry.addPackage(zip)).isInstanceOf(ModelPackageRejectedException.class)
                .hasMessageContaining("already registered");

        registry.activate(added.id());
        assertThat(registry.active()).map(RegisteredModel::id).contains(added.id());
        assertThat(registry.find(original.id()).orElseThrow().status()).isEqualTo(ModelStatus.AVAILABLE);
        assertThat(activeCount()).isEqualTo(1);
        assertThat(catalog.activeModel().orElseThrow().card().id()).isEqualTo("tiny-test-model-b");

        // the database itself refuses a second ACTIVE row
        assertThatThrownBy(() -> jdbc.update("update registered_model set status = 'ACTIVE' where id = ?", original.id()))
                .isInstanceOf(DataIntegrityViolationException.class);

        assertThatThrownBy(() -> registry.retire(added.id())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("active model cannot be retired");
        registry.activate(original.id());
        assertThat(registry.retire(added.id()).status()).isEqualTo(ModelStatus.RETIRED);
        assertThatThrownBy(() -> registry.activate(added.id())).isInstanceOf(IllegalStateException.class);
        assertThat(catalog.model(added.id())).isEmpty();
        assertThat(activeCount()).isEqualTo(1);

        assertThat(auditActions(added.id())).contains("MODEL_ADDED", "MODEL_ACTIVATED", "MODEL_RETIRED");
    }

    @Test
    @WithMockUser(username = "admin2", roles = "ADMIN")
    void thresholdChangeNeedsAReasonAndIsAudited() {
        RegisteredModel model = registry.active().orElseThrow();
        assertThatThrownBy(() -> registry.changeThreshold(model.id(), 0.4, "  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> registry.changeThreshold(model.id(), 1.5, "too high"))
                .isInstanceOf(IllegalArgumentException.class);

        RegisteredModel changed = registry.changeThreshold(model.id(), 0.42, "Validated on local cohort");
        assertThat(changed.threshold()).isEqualTo(0.42);
        assertThat(catalog.activeModel().orElseThrow().threshold()).isEqualTo(0.42);
        Map<String, Object> event = jdbc.queryForMap("select actor, details::text as details from audit_event "
                + "where action = 'MODEL_THRESHOLD_CHANGED' and target_id = ? order by id desc limit 1",
                String.valueOf(model.id()));
        assertThat(event.get("actor")).isEqualTo("admin2");
        assertThat((String) event.get("details")).contains("Validated on local cohort").contains("0.42");
    }

    @Test
    @WithMockUser(username = "doctor", roles = "PATHOLOGIST")
    void onlyAdministratorsChangeTheRegistry() {
        long id = registry.active().orElseThrow().id();
        assertThatThrownBy(() -> registry.changeThreshold(id, 0.3, "why not")).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> registry.activate(id)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> registry.retire(id)).isInstanceOf(AccessDeniedException.class);
        assertThat(registry.all()).isNotEmpty();
    }

    private int activeCount() {
        return jdbc.queryForObject("select count(*) from registered_model where status = 'ACTIVE'", Integer.class);
    }

    private List<String> auditActions(long modelId) {
        return jdbc.queryForList("select action from audit_event where target_type = 'model' and target_id = ?",
                String.class, String.valueOf(modelId));
    }
}
