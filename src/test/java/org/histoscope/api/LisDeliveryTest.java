package org.histoscope.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.histoscope.lis.LisMessage;
import org.histoscope.lis.LisMessageService;
import org.histoscope.lis.LisMessageState;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignedReview;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.Hl7Listener;
import org.histoscope.testsupport.Hl7Listener.Answer;
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
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Signed reports reach the laboratory information system as HL7 v2.5.1 ORU^R01 over MLLP, against HAPI's own MLLP
 * server started here: delivered and acknowledged (one message per report version, the amendment included), a NAK
 * (AE retried, AR marked and resent by an administrator), a listener that is down (retried, delivered once it is
 * up), and an acknowledgement that never came in time or an execution revived after a crash (same control id,
 * one outbox row, never resent once acknowledged).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LisDeliveryTest extends ApiTestContext {

    private static final String REVIEWER = "lisrev";
    private static final String PATHOLOGIST = "lispath";
    private static final String PASSWORD = "Lis-Delivery-Test-2026";
    private static final Duration DELIVERY = Duration.ofSeconds(60);

    @Autowired
    UserAccountService accounts;
    @Autowired
    ReviewSigningService reviews;
    @Autowired
    CaseFinalizationService finalization;
    @Autowired
    org.histoscope.cases.CaseService cases;
    @Autowired
    LisMessageService outbox;
    @Autowired
    SchedulerClient scheduler;
    @Autowired
    @Qualifier("lisMessageTask")
    OneTimeTask<Long> lisMessageTask;

    private final Hl7Listener lis = new Hl7Listener(LIS_PORT);
    private ApiHttp api;

    @BeforeAll
    void startTheLis() throws Exception {
        TestAccounts.createReadyUser(accounts, REVIEWER, PASSWORD, Roles.REVIEWER);
        TestAccounts.createReadyUser(accounts, PATHOLOGIST, PASSWORD, Roles.PATHOLOGIST);
        lis.start();
    }

    @AfterAll
    void stopTheLis() {
        lis.close();
    }

    @Test
    @Order(1)
    void aSignOutAndItsAmendmentAreEachDeliveredOnceAndAcknowledged() throws Exception {
        api = client(Roles.PATHOLOGIST);
        SignedOut signedOut = signOutNewCase("Zoë Ångström-Łukasiewicz");
        LisMessage v1 = awaitState(signedOut.caseId, 1, LisMessageState.ACKNOWLEDGED);
        assertThat(v1.attempts()).isOne();
        assertThat(v1.ackCode()).isEqualTo("AA");
        List<Hl7Listener.Received> received = lis.received(v1.controlId());
        assertThat(received).hasSize(1);

        Message oru = received.get(0).message();
        Terser hl7 = new Terser(oru);
        assertThat(hl7.get("/MSH-9-1") + "^" + hl7.get("/MSH-9-2")).isEqualTo("ORU^R01");
        assertThat(hl7.get("/MSH-12")).isEqualTo("2.5.1");
        assertThat(hl7.get("/MSH-10")).isEqualTo(v1.controlId());
        assertThat(hl7.get("/.PID-3-1")).isEqualTo(signedOut.mrn);
        assertThat(hl7.get("/.PID-5-1")).isEqualTo("Ångström-Łukasiewicz");
        assertThat(hl7.get("/.PID-5-2")).isEqualTo("Zoë");
        assertThat(hl7.get("/.PID-7")).isEqualTo("19610412");
        assertThat(hl7.get("/.PID-8")).isEqualTo("F");
        assertThat(hl7.get("/.OBR-3-1")).isEqualTo(signedOut.accession);
        assertThat(hl7.get("/.OBR-25")).isEqualTo("F");
        // one OBX for the image result, then the PDF
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-2")).isEqualTo("NM");
        assertThat(Double.parseDouble(hl7.get("/.OBSERVATION(0)/OBX-5"))).isCloseTo(
                signedOut.result.get("probability").asDouble(), org.assertj.core.data.Offset.offset(0.00005));
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-7")).isEqualTo(String.format(java.util.Locale.ROOT, "<%.4f",
                signedOut.result.get("threshold").asDouble()));
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-8")).isEqualTo(signedOut.result.get("positive").asBoolean() ? "A" : "N");
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-17-1")).isEqualTo("xception-nasnetmobile-idc");
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-17-2")).isEqualTo("xception-nasnetmobile-idc "
                + signedOut.result.get("model").get("version").asText());
        assertThat(hl7.get("/.OBSERVATION(0)/OBX-16-1")).isEqualTo(REVIEWER);
        assertThat(hl7.get("/.OBSERVATION(0)/NTE-3")).contains("AI label: " + signedOut.result.get("label").asText(),
                "reviewer final label: " + signedOut.review.finalLabel());
        assertThat(hl7.get("/.OBSERVATION(1)/OBX-2")).isEqualTo("ED");
        assertThat(hl7.get("/.OBSERVATION(1)/OBX-5-2")).isEqualTo("AP");
        assertThat(hl7.get("/.OBSERVATION(1)/OBX-5-3")).isEqualTo("PDF");
        assertThat(hl7.get("/.OBSERVATION(1)/OBX-5-4")).isEqualTo("Base64");
        byte[] pdf = Base64.getDecoder().decode(hl7.get("/.OBSERVATION(1)/OBX-5-5"));
        assertThat(sha256(pdf)).isEqualTo(jdbc.queryForObject(
                "SELECT sha256 FROM case_report WHERE case_id = ? AND version = 1", String.class, signedOut.caseId));

        // the amendment makes report version 2 and its own message, a correction (C)
        TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> reviews.sign(new ReviewRequest(
                signedOut.result.get("id").asLong(), ReviewDecision.AGREE, signedOut.review.finalLabel(),
                "Amended after levels", "levels cut", SignatureMeaning.APPROVED, signedOut.review.id(), true), PASSWORD));
        LisMessage v2 = awaitState(signedOut.caseId, 2, LisMessageState.ACKNOWLEDGED);
        Terser amended = new Terser(lis.received(v2.controlId()).get(0).message());
        assertThat(amended.get("/.OBR-25")).isEqualTo("C");
        assertThat(amended.get("/.OBSERVATION(0)/OBX-11")).isEqualTo("C");
        assertThat(lis.received(v1.controlId())).hasSize(1);
        assertThat(asAdmin(() -> outbox.ofCase(signedOut.caseId))).hasSize(2);

        for (LisMessage message : List.of(v1, v2)) {
            System.out.printf("HL7 latency report version %d created -> ACK: %d ms%n", message.reportVersion(),
                    Duration.between(message.reportCreatedAt(), message.acknowledgedAt()).toMillis());
        }
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'LIS_MESSAGE_ACKNOWLEDGED'",
                signedOut.caseId)).isEqualTo(2);

        // an amendment of the case's final diagnosis is a report version of its own, delivered as a correction too
        TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.amendFinalDiagnosis(
                signedOut.caseId, new FinalDiagnosisForm(true, null, new java.math.BigDecimal("15"),
                        "Invasive ductal carcinoma, amended after levels", SignatureMeaning.APPROVED, "levels cut"),
                PASSWORD));
        LisMessage v3 = awaitState(signedOut.caseId, 3, LisMessageState.ACKNOWLEDGED);
        assertThat(new Terser(lis.received(v3.controlId()).get(0).message()).get("/.OBR-25")).isEqualTo("C");
        assertThat(asAdmin(() -> outbox.ofCase(signedOut.caseId))).hasSize(3);
    }

    @Test
    @Order(2)
    void aNakWithAeIsRetriedAndAnArIsMarkedUntilAnAdministratorResendsIt() throws Exception {
        api = client(Roles.PATHOLOGIST);
        lis.answerWith((controlId, seen) -> seen == 1 ? Answer.ERROR : Answer.ACCEPT);
        SignedOut busy = signOutNewCase("Busy Lis");
        LisMessage retried = awaitState(busy.caseId, 1, LisMessageState.ACKNOWLEDGED);
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(lis.received(retried.controlId())).hasSize(2);
        assertThat(count("SELECT count(*) FROM audit_event WHERE case_id = ? AND action = 'LIS_MESSAGE_ATTEMPT_FAILED'",
                busy.caseId)).isOne();

        lis.answerWith((controlId, seen) -> seen == 1 ? Answer.REJECT : Answer.ACCEPT);
        SignedOut refused = signOutNewCase("Unknown Order");
        LisMessage rejected = awaitState(refused.caseId, 1, LisMessageState.REJECTED);
        assertThat(rejected.ackCode()).isEqualTo("AR");
        assertThat(rejected.lastError()).contains("rejected").doesNotContain("Exception");
        assertThat(lis.received(rejected.controlId())).hasSize(1);
        assertThatThrownBy(() -> TestAccounts.runAs("pat", Set.of(Roles.PATHOLOGIST), () -> outbox.resend(rejected.id())))
                .isInstanceOf(org.springframework.security.access.AccessDeniedException.class);
        asAdmin(() -> outbox.resend(rejected.id()));
        LisMessage resent = awaitState(refused.caseId, 1, LisMessageState.ACKNOWLEDGED);
        assertThat(resent.attempts()).isEqualTo(2);
        assertThat(lis.received(rejected.controlId())).hasSize(2);
        lis.answerWith((controlId, seen) -> Answer.ACCEPT);
    }

    @Test
    @Order(3)
    void whileTheLisIsDownTheMessageWaitsAndIsDeliveredOnceItIsUp() throws Exception {
        api = client(Roles.PATHOLOGIST);
        lis.stop();
        SignedOut waiting = signOutNewCase("Down Time");
        await("failed attempts", DELIVERY, () -> message(waiting.caseId, 1) != null
                && message(waiting.caseId, 1).attempts() >= 2);
        LisMessage down = message(waiting.caseId, 1);
        assertThat(down.state()).isIn(LisMessageState.RETRYING, LisMessageState.SENDING);
        assertThat(down.lastError()).contains("did not accept a connection");
        lis.start();
        LisMessage delivered = awaitState(waiting.caseId, 1, LisMessageState.ACKNOWLEDGED);
        assertThat(lis.received(delivered.controlId())).hasSize(1);
        assertThat(delivered.attempts()).isGreaterThanOrEqualTo(3);
    }

    @Test
    @Order(4)
    void anAckThatComesTooLateOrARevivedExecutionNeverMakesASecondMessage() throws Exception {
        api = client(Roles.PATHOLOGIST);
        // the LIS takes the message and answers after the sender gave up waiting, as if the sender had died mid-send
        lis.lateBy(3000);
        lis.answerWith((controlId, seen) -> seen == 1 ? Answer.LATE : Answer.ACCEPT);
        SignedOut slow = signOutNewCase("Late Answer");
        LisMessage delivered = awaitState(slow.caseId, 1, LisMessageState.ACKNOWLEDGED);
        lis.answerWith((controlId, seen) -> Answer.ACCEPT);
        assertThat(delivered.attempts()).isEqualTo(2);
        List<Hl7Listener.Received> twice = lis.received(delivered.controlId());
        assertThat(twice).hasSize(2);
        assertThat(twice.get(1).er7()).isEqualTo(twice.get(0).er7());

        // an execution revived after a crash finds the message acknowledged and sends nothing
        scheduler.schedule(lisMessageTask.instance(delivered.id() + "-revived", delivered.id()), Instant.now());
        await("the revived execution to run", DELIVERY, () -> count("SELECT count(*) FROM scheduled_tasks "
                + "WHERE task_name = 'lis-message' AND task_instance = ?", delivered.id() + "-revived") == 0);
        assertThat(lis.received(delivered.controlId())).hasSize(2);
        assertThat(message(slow.caseId, 1).attempts()).isEqualTo(2);

        // a report version has one outbox row: the database refuses a second
        assertThatThrownBy(() -> jdbc.update("INSERT INTO lis_message (case_id, report_version, control_id, "
                + "accession_number, message, state, report_created_at, created_at) VALUES (?, 1, 'again', 'x', 'x', "
                + "'PENDING', now(), now())", slow.caseId)).isInstanceOf(DataIntegrityViolationException.class);
    }

    private record SignedOut(long caseId, String mrn, String accession, JsonNode result, SignedReview review) {
    }

    private SignedOut signOutNewCase(String name) throws Exception {
        String key = UUID.randomUUID().toString().substring(0, 6);
        String mrn = "LIS-" + key;
        long patientId = api.postJson("/api/v1/patients", Map.of("mrn", mrn, "fullName", name,
                "dateOfBirth", "1961-04-12", "sex", "FEMALE")).json().get("id").asLong();
        String accession = "L26-" + key;
        long caseId = api.postJson("/api/v1/cases", Map.of("accessionNumber", accession, "patientId", patientId,
                "specimen", "Breast core biopsy")).json().get("id").asLong();
        long job = api.postMultipart("/api/v1/cases/" + caseId + "/images", "core.png",
                distinctPatch(key.hashCode())).json().get("job").get("id").asLong();
        await("job " + job, Duration.ofSeconds(120),
                () -> api.get("/api/v1/jobs/" + job).json().get("status").asText().equals("DONE"));
        JsonNode result = api.get("/api/v1/results/" + api.get("/api/v1/jobs/" + job).json().get("predictionId")
                .asLong()).json();
        // true: the reviewer read the warning if the synthetic patch lies outside the guard's domain (not stored
        // for a result inside it)
        SignedReview review = TestAccounts.runAs(REVIEWER, Set.of(Roles.REVIEWER), () -> reviews.sign(
                new ReviewRequest(result.get("id").asLong(), ReviewDecision.AGREE, result.get("label").asText(),
                        "Invasive ductal carcinoma", null, SignatureMeaning.REVIEWED, null, true), PASSWORD));
        // the LIS created the case: an administrator assigns its pathologist of record, who finalizes it
        TestAccounts.runAs("lis-admin", Set.of(Roles.ADMIN), () -> cases.reassign(caseId, PATHOLOGIST,
                "pathologist of record"));
        TestAccounts.runAs(PATHOLOGIST, Set.of(Roles.PATHOLOGIST), () -> finalization.finalizeCase(caseId,
                new FinalDiagnosisForm(true, new java.math.BigDecimal("6"), null, "Invasive ductal carcinoma, grade 2",
                        SignatureMeaning.APPROVED, null), PASSWORD));
        return new SignedOut(caseId, mrn, accession, result, review);
    }

    private LisMessage awaitState(long caseId, int version, LisMessageState state) throws InterruptedException {
        await("report version " + version + " of case " + caseId + " to be " + state, DELIVERY,
                () -> message(caseId, version) != null && message(caseId, version).state() == state);
        return message(caseId, version);
    }

    private LisMessage message(long caseId, int version) {
        return asAdmin(() -> outbox.ofCase(caseId)).stream().filter(m -> m.reportVersion() == version).findFirst()
                .orElse(null);
    }

    private static <T> T asAdmin(java.util.function.Supplier<T> work) {
        return TestAccounts.runAs("lis-admin", Set.of(Roles.ADMIN), work);
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
