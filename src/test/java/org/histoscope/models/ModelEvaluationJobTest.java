package org.histoscope.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.histoscope.models.ModelEvaluationTest.expectedAuc;
import static org.histoscope.models.ModelEvaluationTest.referencePatches;
import static org.histoscope.models.ModelEvaluationTest.referenceZip;
import static org.histoscope.models.ModelEvaluationTest.waitFor;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.histoscope.testsupport.TinyModelsContext;
import org.histoscope.models.internal.EvaluationTaskConfiguration;
import org.histoscope.models.internal.ModelEvaluationExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** An evaluation is a durable db-scheduler job: queued with its row, run to DONE once, failures kept with a reason. */
class ModelEvaluationJobTest extends TinyModelsContext {

    @Autowired
    ModelEvaluationService evaluations;
    @Autowired
    ModelEvaluationExecutor executor;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager txManager;
    @Autowired
    SchedulerClient scheduler;
    @Autowired
    OneTimeTask<Long> evaluationTask;

    @Test
    @WithMockUser(username = "job-evaluator", roles = "ADMIN")
    void evaluationIsQueuedAsADurableJobAndRunsToDoneExactlyOnce(@TempDir Path dir) throws Exception {
        long modelId = tinyModelId();
        Path reference = fixture("tiny-test-model").resolve("reference");
        List<String> files = referencePatches(reference);
        Path zip = referenceZip(dir.resolve("set.zip"), reference, files);

        // inside the caller's transaction: the evaluation, its queue entry and its kept data set exist together,
        // and no scheduler thread can see the entry before the commit
        ModelEvaluation started = new TransactionTemplate(txManager).execute(status -> {
            ModelEvaluation evaluation = evaluations.start(modelId, zip, "durable", 0.9);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?",
                    Long.class, EvaluationTaskConfiguration.TASK_NAME, "evaluation-" + evaluation.id())).isEqualTo(1);
            assertThat(executor.dataSetOf(evaluation.id())).isRegularFile();
            return evaluation;
        });
        assertThat(started.status()).isEqualTo("RUNNING");
        assertThat(zip).doesNotExist();
        // starting an evaluation is an audit event of its own (the result follows as MODEL_EVALUATED)
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'MODEL_EVALUATION_STARTED' "
                + "AND actor = 'job-evaluator' AND details->>'evaluationId' = ?", Long.class,
                String.valueOf(started.id()))).isOne();

        ModelEvaluation done = waitFor(evaluations, started.id());
        assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo("DONE");
        assertThat(done.metrics().n()).isEqualTo(3); // one of the 4 is a border strip without tissue
        assertThat(done.metrics().positives()).isEqualTo(1);
        assertThat(done.metrics().auc()).isEqualTo(expectedAuc(reference, ModelEvaluationTest.withTissue(files)));
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(executor.dataSetOf(started.id())).doesNotExist();
        assertThat(queued("evaluation-" + started.id())).isZero();

        // a revived or repeated execution for the same evaluation finds it DONE and changes nothing
        int audited = evaluatedEvents();
        int stored = evaluations.forModel(modelId).size();
        scheduler.schedule(evaluationTask.instance("evaluation-" + started.id() + "-again", started.id()), Instant.now());
        waitUntilNotQueued("evaluation-" + started.id() + "-again");
        executor.run(started.id());

        ModelEvaluation after = evaluations.find(started.id()).orElseThrow();
        assertThat(after.status()).isEqualTo("DONE");
        assertThat(after.finishedAt()).isEqualTo(done.finishedAt());
        assertThat(after.metrics()).usingRecursiveComparison().isEqualTo(done.metrics());
        assertThat(evaluatedEvents()).isEqualTo(audited);
        assertThat(evaluations.forModel(modelId)).hasSize(stored);
    }

    @Test
    @WithMockUser(username = "job-evaluator", roles = "ADMIN")
    void anEvaluationThatCannotBeComputedFailsWithItsReason(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("broken.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("not-an-image.png"));
            out.write(new byte[] {1, 2, 3, 4});
            out.closeEntry();
            out.putNextEntry(new ZipEntry("labels.csv"));
            out.write("file,label\nnot-an-image.png,1\n".getBytes());
            out.closeEntry();
        }
        int audited = evaluatedEvents();

        ModelEvaluation failed = waitFor(evaluations, evaluations.start(tinyModelId(), zip, "broken", 0.9).id());

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.error()).isNotBlank().doesNotContain("Unexpected error");
        assertThat(failed.finishedAt()).isNotNull();
        assertThat(executor.dataSetOf(failed.id())).doesNotExist();
        assertThat(evaluatedEvents()).isEqualTo(audited + 1);
    }

    private long tinyModelId() {
        return registry.all().stream().filter(m -> m.modelId().equals("tiny-test-model")).findFirst().orElseThrow().id();
    }

    private int evaluatedEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'MODEL_EVALUATED'", Integer.class);
    }

    private long queued(String instance) {
        return jdbc.queryForObject("SELECT count(*) FROM scheduled_tasks WHERE task_name = ? AND task_instance = ?",
                Long.class, EvaluationTaskConfiguration.TASK_NAME, instance);
    }

    private void waitUntilNotQueued(String instance) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (queued(instance) > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the execution " + instance + " was not run");
            }
            Thread.sleep(200);
        }
    }
}
