package org.histoscope.cases;

import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.cases.internal.CaseAuditAction;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The department's default pixel size, set by an administrator for the images of its scanners that carry none (no
 * resolution tags and nothing stated at upload): the prediction job then brings them to the model's resolution from
 * it instead of assuming the model's own. Every change is audited with its reason.
 */
@Service
@RolesAllowed(Roles.ADMIN)
public class DepartmentPixelSizeService {

    private final JdbcTemplate jdbc;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final Clock clock;

    DepartmentPixelSizeService(DataSource dataSource, AuditService audit, CurrentUser currentUser, Clock clock) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.audit = audit;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    /** The default and who set it when. */
    public record DefaultPixelSize(double micronsPerPixel, String changedBy, Instant changedAt) {
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    public Optional<DefaultPixelSize> current() {
        return jdbc.query("SELECT microns_per_pixel, changed_by, changed_at FROM department_pixel_size WHERE id = 1",
                (rs, i) -> new DefaultPixelSize(rs.getDouble(1), rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant())).stream().findFirst();
    }

    /**
     * Sets (or with null clears) the default.
     *
     * @throws CaseRuleException with a message for people when the value is out of range or no reason is given
     */
    @Transactional
    public Optional<DefaultPixelSize> set(Double micronsPerPixel, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.give-reason-changing-department-s"));
        }
        if (micronsPerPixel != null) {
            try {
                StatedPixelSize.micronsPerPixel(micronsPerPixel);
            } catch (InputRejectedException e) {
                throw new CaseRuleException(e.text());
            }
        }
        Optional<DefaultPixelSize> before = current();
        String actor = currentUser.usernameOrSystem();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (micronsPerPixel == null) {
            jdbc.update("DELETE FROM department_pixel_size WHERE id = 1");
        } else {
            jdbc.update("""
                    INSERT INTO department_pixel_size (id, microns_per_pixel, changed_by, changed_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET microns_per_pixel = EXCLUDED.microns_per_pixel,
                                                   changed_by = EXCLUDED.changed_by, changed_at = EXCLUDED.changed_at""",
                    micronsPerPixel, actor, now);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", before.map(d -> (Object) d.micronsPerPixel()).orElse("none"));
        details.put("to", micronsPerPixel == null ? "none" : micronsPerPixel);
        details.put("reason", reason.strip());
        audit.record(CaseAuditAction.DEFAULT_PIXEL_SIZE_CHANGED, "SETTING", "department-pixel-size", details);
        return current();
    }
}
