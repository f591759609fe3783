package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.cases.CaseService;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Runs the curl commands of docs/api.md, and then the FHIR examples of docs/integration.md, exactly as written, with
 * bash against the running app. While the script waits for the report, a reviewer signs the result, an administrator
 * assigns the case and its pathologist finalizes it, as one would in the UI.
 */
class ApiDocumentationTest extends ApiTestContext {

    private static final String REVIEWER = "docrev";
    private static final String PASSWORD = "Documentation-Test-2026";

    private static final String PATHOLOGIST = "docpath";

    @Autowired
    ReviewQueueService reviews;
    @Autowired
    ReviewSigningService signing;
    @Autowired
    CaseFinalizationService finalization;
    @Autowired
    CaseService cases;
    @Autowired
    UserAccountService accounts;

    @Test
    void theCurlFlowInDocsApiMdWorksAsWritten() throws Exception {
        String markdown = Files.readString(Path.of("docs", "api.md"));
        Matcher blocks = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        StringBuilder script = new StringBuilder("set -euo pipefail\n");
        int count = 0;
        while (blocks.find()) {
            script.append(blocks.group(1)).append('\n');
            count++;
        }
        assertThat(count).isGreaterThanOrEqualTo(4);
        // then the FHIR examples of docs/integration.md, on the case the flow signed out
        String integration = Files.readString(Path.of("docs", "integration.md"));
        Matcher fhirBlocks = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL)
                .matcher(integration.substring(integration.indexOf("## FHIR R4")));
        while (fhirBlocks.find()) {
            script.append(fhirBlocks.group(1)).append('\n');
            count++;
        }
        assertThat(script).contains("/fhir/r4", "DiagnosticReport?identifier=", "DocumentReference/");
        assertThat(script).contains("curl", "/api/v1/patients", "/api/v1/cases", "/images", "/api/v1/jobs/",
                "/api/v1/results/", "/report");

        Path work = Files.createTempDirectory(Path.of("target"), "api-doc-");
        Files.write(work.resolve("slide.png"), distinctPatch(0x2468ac));
        Files.writeString(work.resolve("flow.sh"), script);
        TestAccounts.createReadyUser(accounts, REVIEWER, PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, PATHOLOGIST, PASSWORD, Roles.PATHOLOGIST);
        ProcessBuilder bash = new ProcessBuilder("bash", "flow.sh").directory(work.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("output.txt").toFile());
        bash.environment().put("HISTOSCOPE_URL", "http://localhost:" + port);
        bash.environment().put("HISTOSCOPE_TOKEN", issue("doc-lis", 10_000, Roles.PATHOLOGIST).secret());
        Process flow = bash.start();
        try {
            await("the documented flow to produce a result", Duration.ofMinutes(3), () -> !flow.isAlive()
                    || count("SELECT count(*) FROM review_queue_item q JOIN patient_case c ON c.id = q.case_id "
                    + "WHERE c.accession_number = 'S26-004711'") > 0);
            assertThat(flow.isAlive()).as(output(work)).isTrue();
            long caseId = count("SELECT id FROM patient_case WHERE accession_number = 'S26-004711'");
            TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> {
                reviews.entriesOfCase(caseId).forEach(entry -> signing.sign(new ReviewRequest(entry.predictionId(),
                        ReviewDecision.AGREE, entry.predictedLabel(), "Documented diagnosis", null,
                        SignatureMeaning.REVIEWED, null, entry.outOfDomain()), PASSWORD));
                return null;
            });
            // the case came from the LIS without a pathologist: an administrator assigns one, who finalizes it
            TestAccounts.runAs("docadmin", Set.of(Roles.ADMIN), () -> cases.reassign(caseId, PATHOLOGIST,
                    "responsible pathologist for the documented flow"));
            TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.finalizeCase(caseId,
                    new FinalDiagnosisForm(false, null, null, "Benign breast tissue", SignatureMeaning.APPROVED, null),
                    PASSWORD));
            assertThat(flow.waitFor(3, TimeUnit.MINUTES)).as(output(work)).isTrue();
        } finally {
            flow.destroyForcibly();
        }
        String output = output(work);
        assertThat(flow.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).contains("DUPLICATE", "report.pdf: OK", "report-v1.pdf: OK");
        assertThat(output).contains("\"fhirVersion\": \"4.0.1\"", "\"status\": \"final\"", "Observation/ai-",
                "\"device\": \"Device/model-");
        assertThat(output).contains("\"probability\"", "\"threshold\"", "xception-nasnetmobile-idc", "Documented diagnosis");
    }

    private static String output(Path work) {
        try {
            return Files.readString(work.resolve("output.txt"));
        } catch (java.io.IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
