package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.histoscope.testsupport.TinyModelsContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;

/** Evaluation of the tiny model on its own four reference patches, as a background job, stored and audited. */
class ModelEvaluationTest extends TinyModelsContext {

    @Autowired
    ModelEvaluationService evaluations;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    @WithMockUser(username = "evaluator", roles = "ADMIN")
    void evaluationOfALabelledZipIsStoredWithTheModel(@TempDir Path dir) throws Exception {
        long modelId = registry.all().stream().filter(m -> m.modelId().equals("tiny-test-model")).findFirst()
                .orElseThrow().id();
        Path reference = fixture("tiny-test-model").resolve("reference");
        List<String> files = referencePatches(reference);
        Path zip = referenceZip(dir.resolve("set.zip"), reference, files);

        ModelEvaluation started = evaluations.start(modelId, zip, "reference patches", 0.9);
        assertThat(started.status()).isEqualTo("RUNNING");
        ModelEvaluation done = waitFor(evaluations, started.id());
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("DONE");
        EvaluationMetrics metrics = done.metrics();
        // the 50 x 8 slide-border strip holds no tissue: like an upload, it gets no prediction, and the result says so
        assertThat(metrics.n()).isEqualTo(3);
        assertThat(done.error()).isEqualTo("1 of 4 images show no tissue and were left out.");
        assertThat(done.errorText().in(java.util.Locale.GERMAN)).as("the admin's screen, in German")
                .isEqualTo("1 von 4 Bildern zeigen kein Gewebe und wurden nicht bewertet.");
        assertThat(metrics.positives()).isEqualTo(1);
        assertThat(metrics.auc()).isEqualTo(expectedAuc(reference, withTissue(files)));
        assertThat(metrics.suggestedThreshold()).isNotNull();
        assertThat(evaluations.forModel(modelId)).extracting(ModelEvaluation::id).contains(done.id());
        assertThat(jdbc.queryForObject("select count(*) from audit_event where action = 'MODEL_EVALUATED' "
                + "and actor = 'evaluator'", Integer.class)).isGreaterThanOrEqualTo(1);
    }

    @Test
    @WithMockUser(username = "evaluator", roles = "ADMIN")
    void zipWithoutLabelsIsRefusedAndNothingStored(@TempDir Path dir) throws IOException {
        long modelId = registry.active().orElseThrow().id();
        Path zip = ModelPackages.zipWithEntry(dir.resolve("nolabels.zip"), "a.png", new byte[] {1, 2});
        int before = evaluations.forModel(modelId).size();
        assertThatThrownBy(() -> evaluations.start(modelId, zip, "bad", 0.9))
                .isInstanceOf(ModelPackageRejectedException.class).hasMessageContaining("labels.csv");
        assertThat(evaluations.forModel(modelId)).hasSize(before);
    }

    /** The tiny model's reference patches, in name order. */
    /** The tiny model's reference patches less the one slide-border strip without tissue. */
    static List<String> withTissue(List<String> files) {
        return files.stream().filter(f -> !f.equals("10279_idx5_x2501_y2501_class0.png")).toList();
    }

    static List<String> referencePatches(Path reference) throws IOException {
        try (var list = Files.list(reference)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().toList();
        }
    }

    /** A zip of the reference patches with a labels.csv mixing 0/1 and class-name labels. */
    static Path referenceZip(Path zip, Path reference, List<String> files) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            StringBuilder labels = new StringBuilder("file,label\n");
            for (String file : files) {
                out.putNextEntry(new ZipEntry("images/" + file));
                Files.copy(reference.resolve(file), out);
                out.closeEntry();
                labels.append("images/").append(file).append(',').append(file.contains("class1") ? "cancer" : "0")
                        .append('\n');
            }
            out.putNextEntry(new ZipEntry("labels.csv"));
            out.write(labels.toString().getBytes());
            out.closeEntry();
        }
        return zip;
    }

    static ModelEvaluation waitFor(ModelEvaluationService evaluations, long id) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (Instant.now().isBefore(deadline)) {
            ModelEvaluation evaluation = evaluations.find(id).orElseThrow();
            if (!evaluation.status().equals("RUNNING")) {
                return evaluation;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("evaluation did not finish");
    }

    /** Mann-Whitney AUC from the PyTorch reference probabilities of the same patches. */
    static double expectedAuc(Path reference, List<String> files) throws IOException {
        List<String[]> rows = Files.readAllLines(reference.resolve("probabilities.csv")).stream().skip(1)
                .map(l -> l.split(",")).filter(f -> files.contains(f[0])).toList();
        double wins = 0;
        int pairs = 0;
        for (String[] positive : rows) {
            for (String[] negative : rows) {
                if (positive[0].contains("class1") && !negative[0].contains("class1")) {
                    double p = Double.parseDouble(positive[1]);
                    double n = Double.parseDouble(negative[1]);
                    wins += p > n ? 1 : p == n ? 0.5 : 0;
                    pairs++;
                }
            }
        }
        return wins / pairs;
    }
}
