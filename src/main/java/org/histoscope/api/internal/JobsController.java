package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.util.List;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

@RestController
@Tag(name = "Prediction jobs")
class JobsController {

    private final PredictionJobService jobs;
    private final CaseService cases;

    JobsController(PredictionJobService jobs, CaseService cases) {
        this.jobs = jobs;
        this.cases = cases;
    }

    /** Beyond the wait itself, how long the servlet container keeps the request open for the final read. */
    private static final long READ_MARGIN_MILLIS = 15_000;

    @GetMapping("/api/v1/jobs/{jobId}")
    @Operation(summary = "A prediction job's status (QUEUED, RUNNING, DONE, FAILED), progress 0..1 and, when done, "
            + "its predictionId; with waitSeconds, a long-poll",
            description = "Without waitSeconds (or with 0) the job's state is answered at once. With waitSeconds=N "
                    + "(1 to 30) the answer comes as soon as the job has ended (DONE, its result stored, or FAILED) "
                    + "or after N seconds with the state it has then, whichever is first; an integration waits for "
                    + "its result with one request instead of polling. The server holds no thread and no database "
                    + "connection while it waits. The same token, role and case-access rules as the plain read apply.")
    DeferredResult<JobSummary> get(@PathVariable long jobId,
                                   @Parameter(description = "Seconds to wait for the job's end, 0 to 30 (default 0: answer at once)")
                                   @RequestParam(required = false) Integer waitSeconds) {
        int wait = waitSeconds == null ? 0 : waitSeconds;
        long maxWait = PredictionJobService.MAX_WAIT.toSeconds();
        if (wait < 0 || wait > maxWait) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid", "Invalid request",
                    "waitSeconds must be between 0 and " + maxWait + " (seconds to wait for the job's end).");
        }
        DeferredResult<JobSummary> answer = new DeferredResult<>(wait * 1000L + READ_MARGIN_MILLIS);
        answer.onTimeout(() -> answer.setErrorResult(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "busy",
                "Busy", "The job's state could not be read in time; ask again.")));
        jobs.awaitJob(jobId, Duration.ofSeconds(wait)).whenComplete((job, failure) -> {
            if (failure != null) {
                answer.setErrorResult(failure instanceof java.util.concurrent.CompletionException wrapped
                        && wrapped.getCause() != null ? wrapped.getCause() : failure);
            } else if (job.isEmpty()) {
                answer.setErrorResult(ApiException.notFound("Job " + jobId));
            } else {
                answer.setResult(job.get());
            }
        });
        return answer;
    }

    @GetMapping("/api/v1/cases/{caseId}/jobs")
    @Operation(summary = "The prediction jobs of a case, oldest first")
    List<JobSummary> ofCase(@PathVariable long caseId) {
        cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
        return jobs.jobsForCase(caseId);
    }
}
