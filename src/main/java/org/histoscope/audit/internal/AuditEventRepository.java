package org.histoscope.audit.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;

/**
 * Plain SQL access to audit_event. JDBC rather than JPA because the row is written exactly once with a hash
 * computed over the values as the database stores them, and because reads must be able to stream.
 */
@Repository
public class AuditEventRepository {

    /** Key of the transaction-scoped advisory lock that serialises appends (arbitrary, fixed: "HSAUDIT"). */
    private static final long APPEND_LOCK_KEY = 0x4853_4155_4449_54L;
    private static final String APPEND_LOCK_WAIT = "30s";

    private static final String COLUMNS =
            "id, occurred_at, actor, action, target_type, target_id, case_id, details::text AS details, "
                    + "client_address, prev_hash, hash, key_id";

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final NamedParameterJdbcTemplate streaming;

    AuditEventRepository(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.named = new NamedParameterJdbcTemplate(jdbc);
        JdbcTemplate streamingJdbc = new JdbcTemplate(dataSource);
        // With autocommit off (inside a transaction) PostgreSQL then fetches in chunks instead of all rows at once
        streamingJdbc.setFetchSize(500);
        this.streaming = new NamedParameterJdbcTemplate(streamingJdbc);
    }

    /**
     * Blocks until no other transaction is appending; released when the caller's transaction ends. The wait is
     * bounded so that a thread that already holds the lock in a suspended outer transaction (REQUIRES_NEW inside
     * an audited transaction) fails with an error instead of waiting for itself forever.
     */
    public void lockForAppend() {
        String previous = jdbc.queryForObject("SELECT current_setting('lock_timeout')", String.class);
        jdbc.queryForObject("SELECT set_config('lock_timeout', ?, true)", String.class, APPEND_LOCK_WAIT);
        // On a timeout the transaction is aborted anyway, so the setting is restored only after success
        jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", APPEND_LOCK_KEY);
        jdbc.queryForObject("SELECT set_config('lock_timeout', ?, true)", String.class, previous);
    }

    public Optional<String> lastHash() {
        return jdbc.query("SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1",
                (rs, i) -> rs.getString(1)).stream().findFirst();
    }

    public long nextId() {
        Long id = jdbc.queryForObject("SELECT nextval(pg_get_serial_sequence('audit_event', 'id'))", Long.class);
        return id;
    }

    /** PostgreSQL's own text form of the JSON, i.e. what reading the row back will give. */
    public String asStoredJsonb(String json) {
        return jdbc.queryForObject("SELECT CAST(? AS jsonb)::text", String.class, json);
    }

    public void insert(StoredAuditEvent e) {
        jdbc.update("""
                        INSERT INTO audit_event (id, occurred_at, actor, action, target_type, target_id, case_id,
                                                 details, client_address, prev_hash, hash, key_id)
                        VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?)""",
                e.id(), OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC), e.actor(), e.action(),
                e.targetType(), e.targetId(), e.caseId(), e.detailsJson(), e.clientAddress(), e.prevHash(), e.hash(),
                e.keyId());
    }

    /** Up to {@code limit} rows with id greater than {@code afterId}, in chain order. */
    public List<StoredAuditEvent> pageAfter(long afterId, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_event WHERE id > ? ORDER BY id LIMIT ?",
                ROW, afterId, limit);
    }

    public List<StoredAuditEvent> forCase(long caseId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM audit_event WHERE case_id = ? ORDER BY id", ROW, caseId);
    }

    public List<StoredAuditEvent> search(AuditFilter filter, long offset, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        String where = where(filter, params);
        params.addValue("offset", offset).addValue("limit", limit);
        return named.query("SELECT " + COLUMNS + " FROM audit_event" + where
                + " ORDER BY id DESC OFFSET :offset LIMIT :limit", params, ROW);
    }

    public long count(AuditFilter filter) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        Long count = named.queryForObject("SELECT count(*) FROM audit_event" + where(filter, params), params,
                Long.class);
        return count == null ? 0 : count;
    }

    /** Streams every matching row, newest first; call inside a transaction so rows are fetched in chunks. */
    public void forEachMatching(AuditFilter filter, Consumer<StoredAuditEvent> consumer) {
        MapSqlParameterSource params = new MapSqlParameterSource();
        int[] row = {0};
        streaming.query("SELECT " + COLUMNS + " FROM audit_event" + where(filter, params) + " ORDER BY id DESC",
                params, rs -> {
                    consumer.accept(ROW.mapRow(rs, row[0]++));
                });
    }

    /** Number of events, the last id and its seal, as one consistent reading. */
    ChainHead head() {
        return jdbc.queryForObject("""
                        SELECT (SELECT count(*) FROM audit_event) AS events,
                               last.id, last.hash
                        FROM (SELECT 1) one LEFT JOIN (SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1) last
                             ON true""",
                (rs, i) -> new ChainHead(rs.getLong("events"), rs.getLong("id"), rs.getString("hash")));
    }

    Optional<String> hashOf(long id) {
        return jdbc.query("SELECT hash FROM audit_event WHERE id = ?", (rs, i) -> rs.getString(1), id).stream()
                .findFirst();
    }

    /** The id after the last row in the unkeyed format of before V1_3, or 0 when there is none. */
    long firstIdAfterUnkeyedRows() {
        Long last = jdbc.queryForObject("SELECT max(id) FROM audit_event WHERE key_id IS NULL", Long.class);
        return last == null ? 0 : last + 1;
    }

    record ChainHead(long events, long lastId, String lastMac) {
    }

    public List<String> distinctActions() {
        return jdbc.queryForList("SELECT DISTINCT action FROM audit_event ORDER BY action", String.class);
    }

    private static String where(AuditFilter f, MapSqlParameterSource params) {
        List<String> conditions = new ArrayList<>();
        if (hasText(f.actor())) {
            conditions.add("actor ILIKE :actor ESCAPE '\\'");
            params.addValue("actor", "%" + escapeLike(f.actor().trim()) + "%");
        }
        if (hasText(f.action())) {
            conditions.add("action = :action");
            params.addValue("action", f.action().trim());
        }
        if (hasText(f.targetType())) {
            conditions.add("lower(target_type) = lower(:targetType)");
            params.addValue("targetType", f.targetType().trim());
        }
        if (hasText(f.targetId())) {
            conditions.add("target_id = :targetId");
            params.addValue("targetId", f.targetId().trim());
        }
        if (f.caseId() != null) {
            conditions.add("case_id = :caseId");
            params.addValue("caseId", f.caseId());
        }
        if (f.from() != null) {
            conditions.add("occurred_at >= :from");
            params.addValue("from", OffsetDateTime.ofInstant(f.from(), ZoneOffset.UTC));
        }
        if (f.to() != null) {
            conditions.add("occurred_at < :to");
            params.addValue("to", OffsetDateTime.ofInstant(f.to(), ZoneOffset.UTC));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static final RowMapper<StoredAuditEvent> ROW = (ResultSet rs, int rowNum) -> new StoredAuditEvent(
            rs.getLong("id"),
            rs.getObject("occurred_at", OffsetDateTime.class).toInstant(),
            rs.getString("actor"),
            rs.getString("action"),
            rs.getString("target_type"),
            rs.getString("target_id"),
            nullableLong(rs, "case_id"),
            rs.getString("details"),
            rs.getString("client_address"),
            rs.getString("prev_hash"),
            rs.getString("hash"),
            rs.getString("key_id"));

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A row exactly as stored. */
    public record StoredAuditEvent(long id, Instant occurredAt, String actor, String action, String targetType,
                            String targetId, Long caseId, String detailsJson, String clientAddress, String prevHash,
                            String hash, String keyId) {

        public AuditEntry toEntry() {
            return new AuditEntry(id, occurredAt, actor, action, targetType, targetId, caseId, detailsJson,
                    clientAddress, hash);
        }
    }
}
