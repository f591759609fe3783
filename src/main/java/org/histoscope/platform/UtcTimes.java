package org.histoscope.platform;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one way an unambiguous time is written where a reader must not guess the zone: signatures, the audit log,
 * the PDF report and refusals that cite a setting's change ("2026-12-07 14:03:11 UTC"). Lives here, not in ui/, so
 * that services, reports and the audit view use it without depending on the UI layer.
 */
public final class UtcTimes {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private UtcTimes() {
    }

    /** {@code instant} in UTC, labelled; {@code null} gives {@code absent}. */
    public static String format(Instant instant, String absent) {
        return instant == null ? absent : UTC.format(instant);
    }
}
