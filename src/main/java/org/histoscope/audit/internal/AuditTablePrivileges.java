package org.histoscope.audit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.histoscope.platform.BeforeServing;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * Refuses to run when the application's own database role could rewrite history: a superuser, the owner of
 * audit_event (who can disable its triggers), a role with UPDATE, DELETE or TRUNCATE on it, or one that may set its
 * id sequence back (setval). Set
 * histoscope.audit.allow-privileged-database-role=true only for a throw-away development database.
 */
@Component
@Unguarded("start-up check of the database role's rights on the audit table")
public class AuditTablePrivileges implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AuditTablePrivileges.class);

    private final JdbcTemplate jdbc;
    private final boolean allowPrivileged;
    private volatile boolean checked;

    AuditTablePrivileges(DataSource dataSource,
                         @Value("${histoscope.audit.allow-privileged-database-role:false}") boolean allowPrivileged) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.allowPrivileged = allowPrivileged;
    }

    /** Before the HTTP port opens (BeforeServing): an instance that refuses to run never answers a request. */
    @Override
    public void start() {
        check();
        checked = true;
    }

    @Override
    public void stop() {
        checked = false;
    }

    @Override
    public boolean isRunning() {
        return checked;
    }

    @Override
    public int getPhase() {
        return BeforeServing.phase(BeforeServing.CHECK_DATABASE_ROLE);
    }

    void check() {
        List<String> problems = problems();
        if (problems.isEmpty()) {
            return;
        }
        String message = "The database role the application connects as can rewrite the audit trail: "
                + String.join("; ", problems) + ". Connect as an application role that may only INSERT and SELECT "
                + "audit_event and migrate as a separate owner role (README, \"Database roles\").";
        if (!allowPrivileged) {
            throw new IllegalStateException(message);
        }
        log.error("{} (allowed by histoscope.audit.allow-privileged-database-role)", message);
    }

    public List<String> problems() {
        Map<String, Object> facts = jdbc.queryForMap("""
                SELECT current_user AS role,
                       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                       pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'audit_event'::regclass),
                                   'USAGE') AS owner,
                       has_table_privilege('audit_event', 'UPDATE') AS can_update,
                       has_table_privilege('audit_event', 'DELETE') AS can_delete,
                       has_table_privilege('audit_event', 'TRUNCATE') AS can_truncate,
                       has_sequence_privilege(pg_get_serial_sequence('audit_event', 'id'), 'UPDATE') AS can_setval""");
        List<String> problems = new ArrayList<>();
        String role = String.valueOf(facts.get("role"));
        if (Boolean.TRUE.equals(facts.get("superuser"))) {
            problems.add("'" + role + "' is a superuser");
        }
        if (Boolean.TRUE.equals(facts.get("owner"))) {
            problems.add("'" + role + "' owns audit_event (or is a member of its owner)");
        }
        for (String privilege : List.of("update", "delete", "truncate")) {
            if (Boolean.TRUE.equals(facts.get("can_" + privilege))) {
                problems.add("'" + role + "' may " + privilege.toUpperCase() + " audit_event");
            }
        }
        if (Boolean.TRUE.equals(facts.get("can_setval"))) {
            problems.add("'" + role + "' may set audit_event's id sequence back (UPDATE on it), which would make "
                    + "every later audited action fail");
        }
        return problems;
    }
}
