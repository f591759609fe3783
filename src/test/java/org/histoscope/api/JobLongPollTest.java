package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.histoscope.cases.internal.JobWaiters;
import org.histoscope.security.Roles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * The jobs' long-poll, {@code GET /api/v1/jobs/{id}?waitSeconds=N}: it answers as soon as the job has ended, not at
 * the end of the wait; with the current state when the wait ends first; for a job that ended on another node (its row
 * changed without this node's event) within about a second; and it refuses what the plain read refuses. The jobs
 * waited for are inserted QUEUED without a queue entry, so that the test decides when (and whether) each one runs.
 */
class JobLongPollTest extends ApiTestContext {

    @Autowired
    JobWaiters waiters;
    @Autowired
    SchedulerClient queue;
    @Autowired
    @Qualifier("predictionTask")
    OneTimeTask<Long> predictionTask;

    /** A case with one uploaded patch whose own job is done; its image is what the inserted jobs predict. */
    private record Fixture(ApiHttp api, long caseId, long imageId) {
    }

    /** A 30 s long-poll of the job, started on its own thread and returned once the server holds it waiting. */
    private CompletableFuture<ApiHttp.Response> waitingLongPoll(Fixture fixture, long jobId) throws InterruptedException {
        CompletableFuture<ApiHttp.Response> poll = CompletableFuture.supplyAsync(
                () -> fixture.api().get("/api/v1/jobs/" + jobId + "?waitSeconds=30"));
        await("the long-poll to wait for job " + jobId, Duration.ofSeconds(20), () -> waiters.waitingFor(jobId) == 1);
        return poll;
    }

    @Test
    void aLongPollAnswersAsSoonAsTheJobIsDone() throws Exception {
        Fixture fixture = caseWithAPatch();
        long jobId = queuedJobNobodyRuns(fixture);
        CompletableFuture<ApiHttp.Response> poll = waitingLongPoll(fixture, jobId);
        assertThat(poll).as("still waiting while the job has not run").isNotDone();

        queue.schedule(predictionTask.instance("job-" + jobId + "-attempt-1", jobId), Instant.now());
        ApiHttp.Response answer = poll.get(40, TimeUnit.SECONDS);
        Instant answered = Instant.now();

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode job = answer.json();
        assertThat(job.get("status").asText()).isEqualTo("DONE");
        assertThat(job.get("predictionId").asLong()).isPositive();
        Instant finished = Instant.parse(job.get("finishedAt").asText());
        assertThat(Duration.between(finished, answered)).as("answered soon after the job ended, not after the wait")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(waiters.waitingFor(jobId)).isZero();
    }

    @Test
    void whenTheWaitEndsFirstTheJobsCurrentStateIsAnswered() {
        Fixture fixture = caseWithAPatch();
        long jobId = queuedJobNobodyRuns(fixture);

        long start = System.nanoTime();
        ApiHttp.Response answer = fixture.api().get("/api/v1/jobs/" + jobId + "?waitSeconds=1");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("QUEUED");
        assertThat(millis).as("waited the second asked for").isGreaterThanOrEqualTo(950);
        assertThat(waiters.waitingFor(jobId)).isZero();
        // without a wait (or with 0) the state is answered at once, as before
        assertThat(fixture.api().get("/api/v1/jobs/" + jobId + "?waitSeconds=0").json().get("status").asText())
                .isEqualTo("QUEUED");
    }

    @Test
    void aJobThatEndsOnAnotherNodeIsFoundByTheReCheck() throws Exception {
        Fixture fixture = caseWithAPatch();
        long jobId = queuedJobNobodyRuns(fixture);
        CompletableFuture<ApiHttp.Response> poll = waitingLongPoll(fixture, jobId);

        // another node's queue ends the job: this node hears no event of it, only the database changes
        long start = System.nanoTime();
        jdbc.update("UPDATE prediction_job SET status = 'FAILED', error_message = 'The image could not be read.',"
                + " finished_at = now() WHERE id = ?", jobId);
        ApiHttp.Response answer = poll.get(40, TimeUnit.SECONDS);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("status").asText()).isEqualTo("FAILED");
        assertThat(millis).as("found by the re-check, long before the 30 s wait ends").isLessThan(10_000);
    }

    @Test
    void aWaitOutOfRangeIsRefusedWithAProblemDocument() {
        ApiHttp api = client(Roles.PATHOLOGIST);
        for (String wait : new String[] {"31", "-1", "3600"}) {
            ApiHttp.Response answer = api.get("/api/v1/jobs/1?waitSeconds=" + wait);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.isProblem()).as(answer.toString()).isTrue();
            assertThat(answer.json().get("detail").asText()).contains("waitSeconds", "0", "30");
        }
        ApiHttp.Response notANumber = api.get("/api/v1/jobs/1?waitSeconds=soon");
        assertThat(notANumber.status()).as(notANumber.toString()).isEqualTo(400);
        assertThat(notANumber.isProblem()).isTrue();
    }

    @Test
    void theLongPollRefusesWhatThePlainReadRefuses() {
        Fixture fixture = caseWithAPatch();
        long jobId = queuedJobNobodyRuns(fixture);
        // a reviewer reads only cases with results to review; this one is open again
        jdbc.update("UPDATE patient_case SET status = 'OPEN' WHERE id = ?", fixture.caseId());
        ApiHttp reviewer = client(Roles.REVIEWER);
        ApiHttp admin = client(Roles.ADMIN);
        ApiHttp nobody = new ApiHttp(port, "hsk_not-a-token");

        assertThat(reviewer.get("/api/v1/jobs/" + jobId).status()).isEqualTo(404);
        long start = System.nanoTime();
        ApiHttp.Response refused = reviewer.get("/api/v1/jobs/" + jobId + "?waitSeconds=20");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(404);
        assertThat(refused.isProblem()).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("refused at once, not after the wait").isLessThan(10_000);
        assertThat(waiters.waitingFor(jobId)).isZero();

        assertThat(admin.get("/api/v1/jobs/" + jobId).status()).isEqualTo(403);
        assertThat(admin.get("/api/v1/jobs/" + jobId + "?waitSeconds=20").status()).isEqualTo(403);
        assertThat(nobody.get("/api/v1/jobs/" + jobId + "?waitSeconds=20").status()).isEqualTo(401);
        assertThat(fixture.api().get("/api/v1/jobs/987654321?waitSeconds=5").status()).isEqualTo(404);
    }

    @Test
    void eachLongPollIsAuditedAsAUseOfItsTokenWithTheStatusItWasAnsweredWith() throws Exception {
        Fixture fixture = caseWithAPatch();
        long jobId = queuedJobNobodyRuns(fixture);
        String path = "/api/v1/jobs/" + jobId;
        assertThat(fixture.api().get(path + "?waitSeconds=1").status()).isEqualTo(200);
        assertThat(fixture.api().get(path + "?waitSeconds=1&x").status()).isEqualTo(200);
        assertThat(client(Roles.ADMIN).get(path + "?waitSeconds=1").status()).isEqualTo(403);
        await("the token's uses to be audited", Duration.ofSeconds(20), () -> count(
                "SELECT count(*) FROM audit_event WHERE action = 'API_TOKEN_USED' AND details ->> 'path' = ?",
                path) == 3);
        assertThat(jdbc.queryForList("SELECT (details ->> 'status')::int FROM audit_event WHERE action = "
                + "'API_TOKEN_USED' AND details ->> 'path' = ? ORDER BY id", Integer.class, path))
                .containsExactly(200, 200, 403);
    }

    private Fixture caseWithAPatch() {
        ApiHttp api = client(Roles.PATHOLOGIST);
        String key = UUID.randomUUID().toString().substring(0, 8);
        long patientId = api.postJson("/api/v1/patients", Map.of("mrn", "LP-" + key, "fullName", "Long Poll",
                "dateOfBirth", "1970-01-01", "sex", "FEMALE")).json().get("id").asLong();
        long caseId = api.postJson("/api/v1/cases", Map.of("accessionNumber", "LP-" + key, "patientId", patientId,
                "specimen", "Breast core biopsy")).json().get("id").asLong();
        ApiHttp.Response upload = api.postRaw("/api/v1/cases/" + caseId + "/images?fileName=patch.png", "image/png",
                distinctPatch(key.hashCode()));
        assertThat(upload.status()).as(upload.toString()).isEqualTo(201);
        // its own job ends first (it moves the case to review), so that the tests alone decide what happens next
        String uploadJob = "/api/v1/jobs/" + upload.json().get("job").get("id").asLong() + "?waitSeconds=30";
        Instant deadline = Instant.now().plusSeconds(180);
        while (!api.get(uploadJob).json().get("status").asText().equals("DONE")) {
            assertThat(Instant.now()).as("the upload's job is done in time").isBefore(deadline);
        }
        return new Fixture(api, caseId, upload.json().get("image").get("id").asLong());
    }

    /** A job of the fixture's image, as a re-run would queue it, but without a queue entry: it runs only when told. */
    private long queuedJobNobodyRuns(Fixture fixture) {
        return jdbc.queryForObject("INSERT INTO prediction_job (case_id, image_id, rerun, status, requested_by,"
                + " requested_at) VALUES (?, ?, true, 'QUEUED', 'long-poll-test', now()) RETURNING id", Long.class,
                fixture.caseId(), fixture.imageId());
    }
}
