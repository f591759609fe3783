package org.histoscope.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.histoscope.testsupport.DatabaseOwner;
import org.histoscope.audit.internal.AuditTablePrivileges;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.test.context.support.WithMockUser;
import org.springframework.transaction.support.TransactionTemplate;

/** The audit log on a real PostgreSQL: migrations, append-only trigger, hash chain and its verification. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditLogTest {

    enum TestAction implements AuditAction {
        THING_DONE;

        @Override
        public String code() {
            return "TEST_" + name();
        }
    }

    @Autowired
    AuditService audit;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    AuditTablePrivileges privileges;
    DatabaseOwner owner;

    @Autowired
    void connectOwner(EmbeddedPostgres postgres) {
        owner = new DatabaseOwner(postgres);
    }

    @Test
    void migrationsCreateTheSchemaOnAnEmptyDatabase() {
        List<String> versions = jdbc.queryForList(
                "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank", String.class);
        assertThat(versions).contains("1.0", "1.1", "1.2");
        List<String> tables = jdbc.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", String.class);
        assertThat(tables).contains("app_user", "app_user_role", "audit_event", "scheduled_tasks");
    }

    @Test
    void theApplicationsRoleMayOnlyInsertAndSelectAuditEvents() {
        long id = recordOne("app-role-target");
        assertThat(jdbc.queryForObject("SELECT current_user", String.class)).isEqualTo("histoscope_app");
        assertThat(jdbc.queryForObject("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", Boolean.class))
                .isFalse();
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_event SET actor = 'mallory' WHERE id = ?", id))
                .rootCause().hasMessageContaining("permission denied for table audit_event");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_event WHERE id = ?", id))
                .rootCause().hasMessageContaining("permission denied for table audit_event");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE audit_event"))
                .rootCause().hasMessageContaining("permission denied for table audit_event");
        assertThatThrownBy(() -> jdbc.execute("ALTER TABLE audit_event DISABLE TRIGGER USER"))
                .rootCause().hasMessageContaining("must be owner of table audit_event");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE id = ?", Long.class, id)).isOne();
        assertThat(privileges.problems()).isEmpty();
    }

    @Test
    void theApplicationsRoleCannotWindTheAuditSequenceBack() {
        // issue 24 item 8: setval by the app role made every later audited action fail on a duplicate key
        long before = recordOne("before-setval");
        assertThatThrownBy(() -> jdbc.queryForObject("SELECT setval('audit_event_id_seq', 1)", Long.class))
                .rootCause().hasMessageContaining("permission denied for sequence audit_event_id_seq");
        assertThat(jdbc.queryForObject("SELECT has_sequence_privilege('audit_event_id_seq', 'UPDATE')", Boolean.class))
                .isFalse();
        assertThat(recordOne("after-setval")).isGreaterThan(before);
        assertThat(privileges.problems()).isEmpty();
    }

    @Test
    void updateIsRejectedByTheTriggerEvenForTheOwner() {
        long id = recordOne("update-target");
        assertThatThrownBy(() -> owner.jdbc().update("UPDATE audit_event SET actor = 'mallory' WHERE id = ?", id))
                .isInstanceOf(DataIntegrityViolationException.class)
                .rootCause().hasMessageContaining("audit_event is append-only: UPDATE is not allowed");
    }

    @Test
    void deleteIsRejectedByTheTriggerEvenForTheOwner() {
        long id = recordOne("delete-target");
        assertThatThrownBy(() -> owner.jdbc().update("DELETE FROM audit_event WHERE id = ?", id))
                .isInstanceOf(DataIntegrityViolationException.class)
                .rootCause().hasMessageContaining("audit_event is append-only: DELETE is not allowed");
        assertThatThrownBy(() -> owner.jdbc().execute("TRUNCATE audit_event"))
                .isInstanceOf(DataIntegrityViolationException.class)
                .rootCause().hasMessageContaining("audit_event is append-only: TRUNCATE is not allowed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event WHERE id = ?", Long.class, id)).isOne();
    }

    @Test
    @WithMockUser(roles = "REVIEWER")
    void verifierFindsARowAlteredBehindTheTriggersBack() {
        recordOne("before");
        long tampered = recordOne("tampered");
        recordOne("after");
        assertThat(audit.verifyChain().intact()).isTrue();

        String original = jdbc.queryForObject("SELECT details::text FROM audit_event WHERE id = ?", String.class,
                tampered);
        try {
            alterWithTriggerDisabled("UPDATE audit_event SET details = '{\"note\": \"forged\"}' WHERE id = " + tampered);
            ChainVerification result = audit.verifyChain();
            assertThat(result.intact()).isFalse();
            assertThat(result.firstBrokenEventId()).contains(tampered);
            assertThat(result.message()).contains("event " + tampered).contains("altered");
        } finally {
            alterWithTriggerDisabled("UPDATE audit_event SET details = '" + original.replace("'", "''")
                    + "'::jsonb WHERE id = " + tampered);
        }
        assertThat(audit.verifyChain().intact()).isTrue();
    }

    @Test
    @WithMockUser(roles = "ADMIN")
    void verifierFindsAChangedHashThroughTheBrokenLink() {
        recordOne("first");
        long rehashed = recordOne("second");
        long next = recordOne("third");
        String original = jdbc.queryForObject("SELECT hash FROM audit_event WHERE id = ?", String.class, rehashed);
        try {
            // A forger who recomputes a row's own hash still breaks the next row's link
            alterWithTriggerDisabled("UPDATE audit_event SET hash = '" + "f".repeat(64) + "' WHERE id = " + rehashed);
            ChainVerification result = audit.verifyChain();
            assertThat(result.firstBrokenEventId()).contains(rehashed);
        } finally {
            alterWithTriggerDisabled("UPDATE audit_event SET hash = '" + original + "' WHERE id = " + rehashed);
        }
        assertThat(audit.verifyChain().intact()).isTrue();
        assertThat(next).isGreaterThan(rehashed);
    }

    @Test
    @WithMockUser(roles = "ADMIN")
    void concurrentAppendsFormOneLinearChain() throws Exception {
        long before = auditSearch.count(AuditFilter.none());
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        audit.record(TestAction.THING_DONE, "THREAD", thread + "-" + i, Map.of("i", i));
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(auditSearch.count(AuditFilter.none())).isEqualTo(before + 90);
        ChainVerification result = audit.verifyChain();
        assertThat(result.intact()).as(result.message()).isTrue();
        assertThat(jdbc.queryForObject("SELECT count(DISTINCT prev_hash) = count(*) FROM audit_event", Boolean.class))
                .isTrue();
    }

    @Test
    void eventCommitsOrRollsBackWithTheCallersTransaction() {
        long before = jdbc.queryForObject("SELECT count(*) FROM audit_event", Long.class);
        assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
            audit.record(TestAction.THING_DONE, "THING", "rolled-back", Map.of());
            throw new IllegalStateException("the audited change failed");
        })).hasMessageContaining("audited change failed");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_event", Long.class)).isEqualTo(before);
    }

    @Test
    void caseTimelineListsOnlyThatCasesEventsOldestFirst() {
        audit.recordForCase(TestAction.THING_DONE, "CASE", "777", 777L, Map.of("step", 1));
        audit.recordForCase(TestAction.THING_DONE, "CASE", "778", 778L, Map.of());
        audit.recordForCase(TestAction.THING_DONE, "IMAGE", "5", 777L, Map.of("step", 2));
        List<AuditEntry> timeline = org.histoscope.testsupport.ActingAs.user("pat", () -> audit.caseTimeline(777L),
                "PATHOLOGIST");
        assertThat(timeline).extracting(AuditEntry::targetType).containsExactly("CASE", "IMAGE");
        assertThat(timeline.get(0).actor()).isEqualTo("system");
        assertThat(timeline.get(1).detailsJson()).contains("\"step\": 2");
    }

    @Test
    @WithMockUser(username = "alice", roles = "REVIEWER")
    void searchFiltersAndExportsCsv() {
        audit.record(TestAction.THING_DONE, "SPECIMEN", "S-1", Map.of("comment", "=HYPERLINK(\"x\"), quoted"));
        List<AuditEntry> found = auditSearch.search(new AuditFilter("ALI", "TEST_THING_DONE", "specimen", "S-1",
                null, null, null), 0, 50);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).actor()).isEqualTo("alice");
        java.io.StringWriter csv = new java.io.StringWriter();
        auditSearch.exportCsv(new AuditFilter(null, null, "SPECIMEN", "S-1", null, null, null), csv);
        String[] lines = csv.toString().split("\r\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("id,occurred_at_utc,actor");
        assertThat(lines[1]).contains(",alice,TEST_THING_DONE,SPECIMEN,S-1,");
    }

    @Test
    @WithMockUser(roles = "PATHOLOGIST")
    void pathologistsMayNotReadOrVerifyTheLog() {
        assertThatThrownBy(() -> auditSearch.search(AuditFilter.none(), 0, 10)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> audit.verifyChain()).isInstanceOf(AccessDeniedException.class);
    }

    private long recordOne(String targetId) {
        audit.record(TestAction.THING_DONE, "THING", targetId, Map.of("note", targetId));
        return jdbc.queryForObject("SELECT max(id) FROM audit_event WHERE target_id = ?", Long.class, targetId);
    }

    private void alterWithTriggerDisabled(String sql) {
        owner.withAuditTriggersDisabled(sql);
    }

    @AfterEach
    void closeOwner() {
        owner.close();
    }
}
