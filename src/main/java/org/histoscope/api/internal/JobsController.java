package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Prediction jobs")
class JobsController {

    private final PredictionJobService jobs;
    private final CaseService cases;

    JobsController(PredictionJobService jobs, CaseService cases) {
        this.jobs = jobs;
        this.cases = cases;
    }

    @GetMapping("/api/v1/jobs/{jobId}")
    @Operation(summary = "A prediction job's status (QUEUED, RUNNING, DONE, FAILED), progress 0..1 and, when done, "
            + "its predictionId")
    JobSummary get(@PathVariable long jobId) {
        return jobs.findJob(jobId).orElseThrow(() -> ApiException.notFound("Job " + jobId));
    }

    @GetMapping("/api/v1/cases/{caseId}/jobs")
    @Operation(summary = "The prediction jobs of a case, oldest first")
    List<JobSummary> ofCase(@PathVariable long caseId) {
        cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
        return jobs.jobsForCase(caseId);
    }
}
