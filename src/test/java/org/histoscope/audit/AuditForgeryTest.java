package org.histoscope.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.List;
import java.util.Map;
import org.histoscope.testsupport.DatabaseOwner;
import org.histoscope.audit.internal.AuditCheckpoints;
import org.histoscope.audit.internal.AuditHashing;
import org.histoscope.audit.internal.AuditKeys;
import org.histoscope.audit.internal.AuditProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.test.context.support.WithMockUser;

/**
 * The three forgeries of a database insider who holds the schema owner's credentials (not the audit key): deleting
 * the newest events, emptying the table, and rewriting an event with a recomputed seal. Each is done with the
 * triggers disabled, as the owner can, and verification must name what happened; the log is then restored.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@WithMockUser(username = "auditor", roles = "ADMIN")
class AuditForgeryTest {

    enum ForgeryAction implements AuditAction {
        SOMETHING_HAPPENED;

        @Override
        public String code() {
            return "FORGERY_TEST_" + name();
        }
    }

    @Autowired
    AuditService audit;
    @Autowired
    AuditCheckpoints checkpoints;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedPostgres postgres;
    @Autowired
    AuditProperties properties;
    DatabaseOwner owner;
    List<Map<String, Object>> saved;
    byte[] savedCheckpoints;

    @BeforeEach
    void recordEventsAndCheckpoint() throws java.io.IOException {
        owner = new DatabaseOwner(postgres);
        for (int i = 0; i < 6; i++) {
            audit.record(ForgeryAction.SOMETHING_HAPPENED, "THING", "t" + i, Map.of("n", i));
        }
        checkpoints.record("test");
        ChainVerification intact = audit.verifyChain();
        assertThat(intact.intact()).isTrue();
        assertThat(intact.text().in(java.util.Locale.GERMAN))
                .isEqualTo("Audit-Kette intakt: " + String.format(java.util.Locale.GERMAN, "%,d", intact.rowsChecked())
                        + " Ereignisse geprüft.");
        checkpoints.record("test"); // the verification's own event, so that no pending checkpoint races the tests
        saved = owner.jdbc().queryForList("SELECT id, occurred_at::text AS occurred_at, actor, action, target_type, "
                + "target_id, case_id, details::text AS details, client_address, prev_hash, hash, key_id "
                + "FROM audit_event ORDER BY id");
        savedCheckpoints = java.nio.file.Files.readAllBytes(checkpointFile());
    }

    private java.nio.file.Path checkpointFile() {
        return properties.checkpointFile().toAbsolutePath().normalize();
    }

    @AfterEach
    void restoreTheLog() throws java.io.IOException {
        synchronized (checkpoints) { // no checkpoint of a half-restored log
            owner.withAuditTriggersDisabled("DELETE FROM audit_event");
            for (Map<String, Object> row : saved) {
                owner.jdbc().update("""
                                INSERT INTO audit_event (id, occurred_at, actor, action, target_type, target_id, case_id,
                                                         details, client_address, prev_hash, hash, key_id)
                                VALUES (?, CAST(? AS timestamptz), ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?)""",
                        row.get("id"), row.get("occurred_at"), row.get("actor"), row.get("action"),
                        row.get("target_type"), row.get("target_id"), row.get("case_id"),
                        String.valueOf(row.get("details")), row.get("client_address"), row.get("prev_hash"),
                        row.get("hash"), row.get("key_id"));
            }
            // the log and its checkpoint history are back as they were (the forgeries' events went with them)
            java.nio.file.Files.write(checkpointFile(), savedCheckpoints);
        }
        owner.close();
    }

    @Test
    void aChainRewrittenUnkeyedWithItsCheckpointsDeletedIsAForgeryAndIsNeverSealed() throws Exception {
        // issue 24 item 7: an insider without the key rewrites every row in the old unkeyed format, re-linked, and
        // deletes the checkpoint history; the old verifier said "intact (no checkpoint recorded yet)" and sealed it
        String prev = AuditHashing.GENESIS_HASH;
        List<String> rewrites = new java.util.ArrayList<>();
        for (Map<String, Object> row : owner.jdbc().queryForList("SELECT * FROM audit_event ORDER BY id")) {
            long id = ((Number) row.get("id")).longValue();
            Long caseId = row.get("case_id") == null ? null : ((Number) row.get("case_id")).longValue();
            String hash = AuditHashing.hash(id, ((java.sql.Timestamp) row.get("occurred_at")).toInstant(),
                    (String) row.get("actor"), (String) row.get("action"), (String) row.get("target_type"),
                    (String) row.get("target_id"), caseId, AuditHashing.canonicalDetails(String.valueOf(row.get("details"))),
                    (String) row.get("client_address"), prev);
            rewrites.add("UPDATE audit_event SET key_id = NULL, prev_hash = '" + prev + "', hash = '" + hash
                    + "' WHERE id = " + id);
            prev = hash;
        }
        long first = saved.stream().mapToLong(row -> ((Number) row.get("id")).longValue()).min().orElseThrow();
        synchronized (checkpoints) {
            owner.withAuditTriggersDisabled(rewrites.toArray(String[]::new));
            java.nio.file.Files.delete(checkpointFile());
        }
        assertThat(java.nio.file.Files.readString(properties.keyFile().toAbsolutePath().normalize()))
                .contains(AuditKeys.KEYED_FROM + "0");

        ChainVerification result = audit.verifyChain();

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenEventId()).contains(first);
        assertThat(result.message()).contains("carries no key although the chain is keyed from its first event")
                .contains("key file");
        assertThat(result.text().in(java.util.Locale.GERMAN)).as("the audit view, in German")
                .startsWith("Audit-Kette ab Ereignis " + first + " NICHT intakt. Befund (englisch, wie protokolliert): ")
                .contains("carries no key");
        assertThat(checkpoints.record("after the forgery")).isEmpty();
        assertThat(java.nio.file.Files.exists(checkpointFile())).as("the forged chain is never sealed").isFalse();
        assertThat(audit.verifyChain().intact()).isFalse();
    }

    @Test
    void aMissingCheckpointHistoryOfANonEmptyChainIsBrokenNotYetToCome() throws Exception {
        synchronized (checkpoints) {
            java.nio.file.Files.delete(checkpointFile());
        }

        ChainVerification result = audit.verifyChain();

        assertThat(result.intact()).isFalse();
        assertThat(result.message()).contains("no checkpoint of it exists outside the database")
                .doesNotContain("not yet").doesNotContain("intact");
        assertThat(java.nio.file.Files.exists(checkpointFile())).isFalse();
    }

    @Test
    void theNewestEventsDeletedRightAfterTheirCommitAreNoticed() throws Exception {
        // issue 24 item 7: rows written after the last (5-minutely) checkpoint could be deleted unnoticed; now every
        // commit of audit events is checkpointed within a second, without anyone asking for it
        for (int i = 0; i < 3; i++) {
            audit.record(ForgeryAction.SOMETHING_HAPPENED, "THING", "newest-" + i, Map.of("n", i));
        }
        long newest = lastId();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (checkpoints.latest().orElseThrow().lastId() != newest && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(checkpoints.latest().orElseThrow().lastId()).as("checkpointed after the commit").isEqualTo(newest);
        int before = checkpoints.history().size();
        owner.withAuditTriggersDisabled("DELETE FROM audit_event WHERE target_id LIKE 'newest-%'");

        ChainVerification result = audit.verifyChain();

        assertThat(result.intact()).isFalse();
        assertThat(result.message()).contains("were deleted").contains("up to event " + newest);
        assertThat(checkpoints.history()).as("earlier heads are kept, the shortened chain is not sealed")
                .hasSize(before);
    }

    @Test
    void aDeletedTailIsNamed() {
        long checkpointed = checkpoints.latest().orElseThrow().lastId();
        long kept = owner.jdbc().queryForObject("SELECT id FROM audit_event WHERE id < ? ORDER BY id DESC OFFSET 2 LIMIT 1",
                Long.class, checkpointed);
        owner.withAuditTriggersDisabled("DELETE FROM audit_event WHERE id > " + kept);

        ChainVerification result = audit.verifyChain();

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenEventId()).contains(checkpointed);
        assertThat(result.message()).contains("events after event " + kept + " were deleted")
                .contains("up to event " + checkpointed);
    }

    @Test
    void aTruncatedTableIsNamed() {
        long lastId = checkpoints.latest().orElseThrow().lastId();
        owner.withAuditTriggersDisabled("TRUNCATE audit_event");

        ChainVerification result = audit.verifyChain();

        assertThat(result.intact()).isFalse();
        assertThat(result.message()).contains("the audit log is empty").contains("truncated")
                .contains("up to event " + lastId);
    }

    @Test
    void aRewrittenEventWithARecomputedSealIsNamed() {
        long forged = owner.jdbc().queryForObject(
                "SELECT id FROM audit_event WHERE action = 'FORGERY_TEST_SOMETHING_HAPPENED' ORDER BY id DESC OFFSET 2 LIMIT 1",
                Long.class);
        Map<String, Object> row = owner.jdbc().queryForMap("SELECT * FROM audit_event WHERE id = ?", forged);
        // The forger changes the details and re-seals the row with the published algorithm, as the old unkeyed
        // chain allowed; without the key the only options are the unkeyed hash or a MAC under a guessed key
        String details = "{\"n\": 999}";
        // the seal covers case and client address too; this row has neither
        assertThat(row.get("case_id")).isNull();
        String rehashed = AuditHashing.hash(forged, ((java.sql.Timestamp) row.get("occurred_at")).toInstant(),
                (String) row.get("actor"), (String) row.get("action"), (String) row.get("target_type"),
                (String) row.get("target_id"), null, AuditHashing.canonicalDetails(details), null,
                (String) row.get("prev_hash"));
        owner.withAuditTriggersDisabled("UPDATE audit_event SET details = '" + details + "', key_id = NULL, hash = '"
                + rehashed + "' WHERE id = " + forged);

        ChainVerification unkeyed = audit.verifyChain();
        assertThat(unkeyed.intact()).isFalse();
        assertThat(unkeyed.firstBrokenEventId()).contains(forged);
        assertThat(unkeyed.message()).contains("event " + forged).contains("without the key");

        AuditKeys guessed = AuditKeys.parse(row.get("key_id") + "=" + "A".repeat(44), "guess");
        String forgedMac = AuditHashing.mac(guessed, (String) row.get("key_id"), forged,
                ((java.sql.Timestamp) row.get("occurred_at")).toInstant(), (String) row.get("actor"),
                (String) row.get("action"), (String) row.get("target_type"), (String) row.get("target_id"), null,
                AuditHashing.canonicalDetails(details), null, (String) row.get("prev_hash"));
        owner.withAuditTriggersDisabled("UPDATE audit_event SET key_id = '" + row.get("key_id") + "', hash = '"
                + forgedMac + "' WHERE id = " + forged);

        ChainVerification guessedKey = audit.verifyChain();
        assertThat(guessedKey.intact()).isFalse();
        assertThat(guessedKey.firstBrokenEventId()).contains(forged);
        assertThat(guessedKey.message()).contains("event " + forged).contains("MAC does not match");
    }

    @Test
    void verificationAndExportAreAuditEventsAndExportCheckpointsTheHead() throws Exception {
        audit.verifyChain();
        assertThat(jdbc.queryForObject("SELECT action FROM audit_event ORDER BY id DESC LIMIT 1", String.class))
                .isEqualTo("AUDIT_CHAIN_VERIFIED");
        ((AuditSearch) audit).exportCsv(AuditFilter.none(), new java.io.StringWriter());
        assertThat(jdbc.queryForObject("SELECT action FROM audit_event ORDER BY id DESC LIMIT 1", String.class))
                .isEqualTo("AUDIT_EXPORTED");
        assertThat(checkpoints.latest().orElseThrow().lastId()).isEqualTo(lastId());
    }

    private long lastId() {
        return jdbc.queryForObject("SELECT max(id) FROM audit_event", Long.class);
    }
}
