package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.fasterxml.jackson.databind.JsonNode;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.cases.CaseService;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.FhirServerStub;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * FHIR R4 at /fhir/r4: a signed-out case and its amendment read over HTTP with an API token as DiagnosticReport,
 * Observations (AI device output, reviewer's final label), Device and DocumentReference (the signed PDF), each
 * checked by HAPI's instance validator against the base R4 StructureDefinitions (offline: the definitions ship in
 * hapi-fhir-validation-resources-r4; codes of the common code systems and the FHIR value sets are checked in
 * memory, LOINC and SNOMED CT codes are not). Also: token, role and case read rules, and the audit of reads.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FhirR4Test extends ApiTestContext {

    private static final String REVIEWER = "fhirrev";
    private static final String PASSWORD = "Fhir-R4-Test-2026";
    private static final String PATHOLOGIST = "fhirpath";

    @Autowired
    UserAccountService accounts;
    @Autowired
    ReviewSigningService reviews;
    @Autowired
    CaseService cases;
    @Autowired
    CaseFinalizationService finalization;

    private FhirValidator validator;
    private FhirServerStub fhirServer;
    private SignedOut pushed;
    private ApiHttp api;
    private final List<String> validated = new ArrayList<>();

    @BeforeAll
    void setUp() {
        TestAccounts.createReadyUser(accounts, REVIEWER, PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, PATHOLOGIST, PASSWORD, Roles.PATHOLOGIST);
        FhirContext r4 = FhirContext.forR4Cached();
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(r4),
                new CommonCodeSystemsTerminologyService(r4),
                new InMemoryTerminologyServerValidationSupport(r4),
                new SnapshotGeneratingValidationSupport(r4));
        validator = r4.newValidator();
        validator.setValidateAgainstStandardSchema(false);
        validator.setValidateAgainstStandardSchematron(false);
        validator.registerValidatorModule(new FhirInstanceValidator(support));
        api = client(Roles.PATHOLOGIST);
        try {
            fhirServer = new FhirServerStub(FHIR_PORT).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    void stopTheFhirServer() {
        fhirServer.close();
    }

    @Test
    @Order(1)
    void theValidatorIsRealAndRefusesABrokenResource() {
        // an Observation without status, a DiagnosticReport with a status outside its required value set
        assertThat(errors("{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}}"))
                .anyMatch(m -> m.contains("Observation.status"));
        assertThat(errors("{\"resourceType\":\"DiagnosticReport\",\"status\":\"signed\",\"code\":{\"text\":\"x\"}}"))
                .isNotEmpty();
    }

    @Test
    @Order(2)
    void everyResourceOfAReportVersionAndItsAmendmentIsValidR4() throws Exception {
        SignedOut signedOut = signOutNewCase();
        pushed = signedOut;
        JsonNode result = signedOut.result();
        long resultId = result.get("id").asLong();

        JsonNode metadata = fhir("/fhir/r4/metadata");
        assertThat(metadata.get("fhirVersion").asText()).isEqualTo("4.0.1");

        JsonNode v1 = fhir("/fhir/r4/DiagnosticReport/" + signedOut.caseId() + "-1");
        assertThat(v1.get("status").asText()).isEqualTo("final");
        assertThat(v1.get("category").get(0).get("coding").get(0).get("code").asText()).isEqualTo("SP");
        assertThat(v1.get("code").get("coding").get(0).get("code").asText()).isEqualTo("11526-1");
        assertThat(v1.get("subject").get("identifier").get("value").asText()).isEqualTo(signedOut.mrn());
        assertThat(v1.get("identifier").get(0).get("value").asText()).isEqualTo(signedOut.accession());
        assertThat(references(v1.get("result"))).containsExactly("Observation/ai-" + resultId,
                "Observation/review-" + resultId + "-" + signedOut.review().id());
        assertThat(v1.get("presentedForm").get(0).get("contentType").asText()).isEqualTo("application/pdf");
        assertThat(v1.get("presentedForm").get(0).get("url").asText())
                .endsWith("/api/v1/cases/" + signedOut.caseId() + "/reports/1");

        JsonNode ai = fhir("/fhir/r4/Observation/ai-" + resultId);
        assertThat(ai.get("meta").get("tag").get(0).get("code").asText()).isEqualTo("device-output");
        assertThat(ai.get("valueQuantity").get("value").asDouble())
                .isCloseTo(result.get("probability").asDouble(), org.assertj.core.data.Offset.offset(0.00005));
        assertThat(ai.get("referenceRange").get(0).get("high").get("value").asDouble())
                .isCloseTo(result.get("threshold").asDouble(), org.assertj.core.data.Offset.offset(0.00005));
        assertThat(ai.get("interpretation").get(0).get("coding").get(0).get("code").asText())
                .isEqualTo(switch (result.get("verdict").asText().toUpperCase()) {
                    case "POSITIVE" -> "POS";
                    case "NEGATIVE" -> "NEG";
                    default -> "IND";
                });
        String deviceReference = ai.get("device").get("reference").asText();
        assertThat(ai.get("device").get("identifier").get("value").asText())
                .isEqualTo("xception-nasnetmobile-idc:" + result.get("model").get("version").asText());

        JsonNode device = fhir("/fhir/r4/" + deviceReference);
        assertThat(device.get("version").get(0).get("value").asText()).isEqualTo(result.get("model").get("version").asText());
        assertThat(device.get("deviceName").get(0).get("type").asText()).isEqualTo("model-name");

        JsonNode review = fhir("/fhir/r4/Observation/review-" + resultId + "-" + signedOut.review().id());
        assertThat(review.get("status").asText()).isEqualTo("final");
        assertThat(review.get("valueCodeableConcept").get("text").asText()).isEqualTo(signedOut.review().finalLabel());
        assertThat(review.get("performer").get(0).get("identifier").get("value").asText()).isEqualTo(REVIEWER);
        assertThat(review.get("derivedFrom").get(0).get("reference").asText()).isEqualTo("Observation/ai-" + resultId);
        assertThat(review.has("device")).isFalse();

        JsonNode document1 = fhir("/fhir/r4/DocumentReference/" + signedOut.caseId() + "-1");
        byte[] pdf1 = Base64.getDecoder().decode(document1.get("content").get(0).get("attachment").get("data").asText());
        assertThat(sha256(pdf1)).isEqualTo(storedSha256(signedOut.caseId(), 1));
        assertThat(document1.get("status").asText()).isEqualTo("current");

        // the amendment: version 2 is "amended", cites the amending review, and supersedes version 1's document
        SignedReview amendment = TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> reviews.sign(
                new ReviewRequest(resultId, ReviewDecision.AGREE, signedOut.review().finalLabel(), "Amended after levels",
                        "levels cut", SignatureMeaning.APPROVED, signedOut.review().id(),
                        result.path("domain").path("outOfDomain").asBoolean(false)), PASSWORD));
        JsonNode v2 = fhir("/fhir/r4/DiagnosticReport/" + signedOut.caseId() + "-2");
        assertThat(v2.get("status").asText()).isEqualTo("amended");
        assertThat(references(v2.get("result"))).containsExactly("Observation/ai-" + resultId,
                "Observation/review-" + resultId + "-" + amendment.id());
        assertThat(fhir("/fhir/r4/Observation/review-" + resultId + "-" + amendment.id()).get("status").asText())
                .isEqualTo("amended");
        JsonNode document2 = fhir("/fhir/r4/DocumentReference/" + signedOut.caseId() + "-2");
        assertThat(document2.get("relatesTo").get(0).get("target").get("reference").asText())
                .isEqualTo("DocumentReference/" + signedOut.caseId() + "-1");
        assertThat(sha256(Base64.getDecoder().decode(document2.get("content").get(0).get("attachment").get("data")
                .asText()))).isEqualTo(storedSha256(signedOut.caseId(), 2));
        assertThat(fhir("/fhir/r4/DocumentReference/" + signedOut.caseId() + "-1").get("status").asText())
                .isEqualTo("superseded");
        // version 1 still reads as it was made: the original review, not the amendment
        assertThat(references(fhir("/fhir/r4/DiagnosticReport/" + signedOut.caseId() + "-1").get("result")))
                .contains("Observation/review-" + resultId + "-" + signedOut.review().id());

        JsonNode bundle = fhir("/fhir/r4/DiagnosticReport?identifier=" + signedOut.accession());
        assertThat(bundle.get("type").asText()).isEqualTo("searchset");
        assertThat(bundle.get("total").asInt()).isEqualTo(2);
        assertThat(fhir("/fhir/r4/DiagnosticReport?identifier=no-such-accession").get("total").asInt()).isZero();

        assertThat(validated).as("resources validated").hasSizeGreaterThanOrEqualTo(13);
        // reads are audited as in the API: the case viewed, the PDF downloaded
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'CASE_VIEWED' AND case_id = ?",
                Long.class, signedOut.caseId())).isGreaterThanOrEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'REPORT_DOWNLOADED' AND case_id = ?",
                Long.class, signedOut.caseId())).isEqualTo(3);
    }

    @Test
    @Order(3)
    void tokensRolesAndTheCaseReadRuleApplyAndReadsAreAudited() throws Exception {
        ApiHttp anonymous = new ApiHttp(port, null);
        ApiHttp.Response noToken = anonymous.get("/fhir/r4/metadata");
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.isProblem()).isTrue();
        assertThat(new ApiHttp(port, "hsk_not-a-token").get("/fhir/r4/metadata").status()).isEqualTo(401);

        ApiHttp adminOnly = client(Roles.ADMIN);
        ApiHttp.Response denied = adminOnly.get("/fhir/r4/metadata");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(403);
        assertThat(denied.isProblem()).isTrue();

        // an OPEN case is not readable by a reviewer-only token: its result is absent, as in the API
        String key = UUID.randomUUID().toString().substring(0, 6);
        long patientId = api.postJson("/api/v1/patients", Map.of("mrn", "FHO-" + key, "fullName", "Open Case",
                "dateOfBirth", "1970-01-01", "sex", "FEMALE")).json().get("id").asLong();
        long caseId = api.postJson("/api/v1/cases", Map.of("accessionNumber", "FO26-" + key, "patientId", patientId,
                "specimen", "Breast core biopsy")).json().get("id").asLong();
        long job = api.postMultipart("/api/v1/cases/" + caseId + "/images", "open.png",
                distinctPatch(key.hashCode())).json().get("job").get("id").asLong();
        await("job " + job, Duration.ofSeconds(120),
                () -> api.get("/api/v1/jobs/" + job).json().get("status").asText().equals("DONE"));
        long predictionId = api.get("/api/v1/jobs/" + job).json().get("predictionId").asLong();
        // a result makes the case IN_REVIEW; put it back to OPEN (as before its first result), which reviewers may not read
        assertThat(jdbc.update("UPDATE patient_case SET status = 'OPEN' WHERE id = ?", caseId)).isOne();
        ApiHttp reviewerToken = client(Roles.REVIEWER);
        ApiHttp.Response hidden = reviewerToken.get("/fhir/r4/Observation/ai-" + predictionId);
        assertThat(hidden.status()).as(hidden.toString()).isEqualTo(404);
        assertThat(hidden.isProblem()).isTrue();
        assertThat(api.get("/fhir/r4/Observation/ai-" + predictionId).status()).isEqualTo(200);
        // no report before sign-out; ids that do not parse are simply absent
        assertThat(api.get("/fhir/r4/DiagnosticReport/" + caseId + "-1").status()).isEqualTo(404);
        assertThat(api.get("/fhir/r4/DocumentReference/x'%20OR%201=1").status()).isEqualTo(404);
        assertThat(api.get("/fhir/r4/Device/model-999999999").status()).isEqualTo(404);

        // every use of the token is in the audit log, and the result read is on the case's timeline
        String path = "/fhir/r4/Observation/ai-" + predictionId;
        await("FHIR reads audited", Duration.ofSeconds(10), () -> jdbc.queryForList("SELECT (details ->> 'status')::int "
                + "FROM audit_event WHERE action = 'API_TOKEN_USED' AND details ->> 'path' = ?", Integer.class, path)
                .containsAll(List.of(404, 200)));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE action = 'RESULT_VIEWED' AND case_id = ?",
                Long.class, caseId)).isEqualTo(1);
    }

    @Test
    @Order(4)
    void eachReportVersionIsPushedToTheFhirServerOnceThroughTheOutboxAndRetried() throws Exception {
        assertThat(pushed).as("the sign-out of the second test").isNotNull();
        long caseId = pushed.caseId();
        await("both report versions delivered to the FHIR server", Duration.ofSeconds(60), () -> jdbc.queryForObject(
                "SELECT count(*) FROM fhir_message WHERE case_id = ? AND state = 'DELIVERED'", Long.class, caseId) == 2);
        // version 1 was answered 503 once (the server was asked to), then retried and delivered
        assertThat(jdbc.queryForList("SELECT attempts FROM fhir_message WHERE case_id = ? ORDER BY report_version",
                Integer.class, caseId)).containsExactly(2, 1);
        List<FhirServerStub.Received> v1 = fhirServer.received(pushed.accession() + "-v1\"");
        assertThat(v1).hasSize(2);
        assertThat(v1.get(0).body()).isEqualTo(v1.get(1).body());
        for (int version = 1; version <= 2; version++) {
            List<FhirServerStub.Received> posts = fhirServer.received(pushed.accession() + "-v" + version + "\"");
            FhirServerStub.Received post = posts.get(posts.size() - 1);
            assertThat(post.path()).isEqualTo("/fhir");
            assertThat(post.authorization()).isEqualTo("Bearer fhir-server-secret");
            assertThat(post.contentType()).startsWith("application/fhir+json");
            assertThat(errors(post.body())).as("validation errors of the Bundle of version " + version).isEmpty();
            JsonNode bundle = ApiHttp.JSON.readTree(post.body());
            assertThat(bundle.get("type").asText()).isEqualTo("transaction");
            List<String> urls = new ArrayList<>();
            bundle.get("entry").forEach(entry -> {
                assertThat(entry.get("request").get("method").asText()).isEqualTo("PUT");
                urls.add(entry.get("request").get("url").asText());
            });
            assertThat(urls).contains("DiagnosticReport/" + caseId + "-" + version,
                    "Observation/ai-" + pushed.result().get("id").asLong(),
                    "DocumentReference/" + caseId + "-" + version).anyMatch(url -> url.startsWith("Device/model-"));
            JsonNode report = bundle.get("entry").get(0).get("resource");
            assertThat(report.get("presentedForm").get(0).get("url").asText()).isEqualTo(
                    "https://histoscope.example.org/api/v1/cases/" + caseId + "/reports/" + version);
            JsonNode document = bundle.get("entry").get(bundle.get("entry").size() - 1).get("resource");
            assertThat(sha256(Base64.getDecoder().decode(document.get("content").get(0).get("attachment").get("data")
                    .asText()))).isEqualTo(storedSha256(caseId, version));
        }
        assertThat(jdbc.queryForList("SELECT action FROM audit_event WHERE case_id = ? AND action LIKE 'FHIR_BUNDLE_%' "
                + "ORDER BY id", String.class, caseId)).containsSubsequence("FHIR_BUNDLE_QUEUED",
                "FHIR_BUNDLE_ATTEMPT_FAILED", "FHIR_BUNDLE_DELIVERED").doesNotContain("FHIR_BUNDLE_REJECTED", "FHIR_BUNDLE_FAILED");
    }

    private JsonNode fhir(String path) {
        ApiHttp.Response response = api.get(path);
        assertThat(response.status()).as(path + " → " + response).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/fhir+json");
        List<String> errors = errors(response.text());
        assertThat(errors).as("validation errors of " + path).isEmpty();
        validated.add(path);
        return response.json();
    }

    /** Errors and fatal messages of HAPI's validator; warnings (e.g. LOINC/SNOMED codes not checked offline) are printed. */
    private List<String> errors(String json) {
        ValidationResult result = validator.validateWithResult(json);
        List<String> errors = new ArrayList<>();
        for (SingleValidationMessage message : result.getMessages()) {
            String line = message.getSeverity() + " " + message.getLocationString() + ": " + message.getMessage();
            if (message.getSeverity() == ResultSeverityEnum.ERROR || message.getSeverity() == ResultSeverityEnum.FATAL) {
                errors.add(line);
            } else if (message.getSeverity() == ResultSeverityEnum.WARNING) {
                System.out.println("FHIR validation " + line);
            }
        }
        return errors;
    }

    private static List<String> references(JsonNode array) {
        List<String> references = new ArrayList<>();
        array.forEach(node -> references.add(node.get("reference").asText()));
        return references;
    }

    private record SignedOut(long caseId, String mrn, String accession, JsonNode result, SignedReview review) {
    }

    private SignedOut signOutNewCase() throws Exception {
        String key = UUID.randomUUID().toString().substring(0, 6);
        String mrn = "FHIR-" + key;
        long patientId = api.postJson("/api/v1/patients", Map.of("mrn", mrn, "fullName", "Zoë Ångström",
                "dateOfBirth", "1961-04-12", "sex", "FEMALE")).json().get("id").asLong();
        String accession = "F26-" + key;
        fhirServer.failOnceFor(accession + "-v1\"");
        long caseId = api.postJson("/api/v1/cases", Map.of("accessionNumber", accession, "patientId", patientId,
                "specimen", "Breast core biopsy")).json().get("id").asLong();
        long job = api.postMultipart("/api/v1/cases/" + caseId + "/images", "core <1>.png",
                distinctPatch(key.hashCode())).json().get("job").get("id").asLong();
        await("job " + job, Duration.ofSeconds(120),
                () -> api.get("/api/v1/jobs/" + job).json().get("status").asText().equals("DONE"));
        JsonNode result = api.get("/api/v1/results/" + api.get("/api/v1/jobs/" + job).json().get("predictionId")
                .asLong()).json();
        SignedReview review = TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> {
            SignedReview signed = reviews.sign(new ReviewRequest(result.get("id").asLong(), ReviewDecision.AGREE,
                    result.get("label").asText(), "Invasive ductal carcinoma & <DCIS>", null, SignatureMeaning.REVIEWED,
                    null, result.path("domain").path("outOfDomain").asBoolean(false)), PASSWORD);
            return signed;
        });
        // the case came through the API without a pathologist: an administrator assigns one, who finalizes it
        TestAccounts.runAs("fhiradmin", Set.of(Roles.ADMIN), () -> cases.reassign(caseId, PATHOLOGIST,
                "responsible pathologist"));
        TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.finalizeCase(caseId,
                new FinalDiagnosisForm(true, null, null, "Invasive ductal carcinoma", SignatureMeaning.APPROVED, null),
                PASSWORD));
        return new SignedOut(caseId, mrn, accession, result, review);
    }

    private String storedSha256(long caseId, int version) {
        return jdbc.queryForObject("SELECT sha256 FROM case_report WHERE case_id = ? AND version = ?", String.class,
                caseId, version);
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

}
