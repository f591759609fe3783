package org.histoscope.users;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.FreeText;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import javax.sql.DataSource;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Department-wide security settings administrators may change. Today one: whether the person who requested a
 * prediction may also sign it and sign out a case whose only signatures are theirs (segregation of duties; off by
 * default, for small departments with a single pathologist-reviewer).
 */
@Service
@RolesAllowed(Roles.ADMIN)
public class SecuritySettingsService {

    static final String REQUESTER_MAY_SIGN = "requester-may-sign";

    private final JdbcTemplate jdbc;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final Clock clock;

    SecuritySettingsService(DataSource dataSource, AuditService audit, CurrentUser currentUser, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.audit = audit;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    /** The setting's state; {@code changedBy} and {@code changedAt} are null while it was never changed. */
    public record Setting(boolean enabled, String changedBy, Instant changedAt) {
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Setting requesterMaySign() {
        return jdbc.query("SELECT value, changed_by, changed_at FROM security_setting WHERE name = ?",
                        (rs, i) -> new Setting(Boolean.parseBoolean(rs.getString(1)), rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class).toInstant()), REQUESTER_MAY_SIGN)
                .stream().findFirst().orElse(new Setting(false, null, null));
    }

    @Transactional
    public Setting setRequesterMaySign(boolean enabled, String reason) {
        reason = FreeText.clean(reason);
        if (reason == null || reason.isBlank()) {
            throw new UserAdministrationException(PeopleText.of("refusal.users.give-reason-changing-segregation-duties"));
        }
        String actor = currentUser.usernameOrSystem();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        jdbc.update("""
                INSERT INTO security_setting (name, value, changed_by, changed_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, changed_by = EXCLUDED.changed_by,
                                                 changed_at = EXCLUDED.changed_at""",
                REQUESTER_MAY_SIGN, String.valueOf(enabled), actor, now);
        audit.record(UserAuditAction.SECURITY_SETTING_CHANGED, "SETTING", REQUESTER_MAY_SIGN,
                Map.of("value", enabled, "reason", reason.strip()));
        return new Setting(enabled, actor, now.toInstant());
    }
}
