package org.histoscope.ui;

import com.vaadin.flow.component.UI;
import org.histoscope.platform.UtcTimes;
import com.vaadin.flow.component.page.ExtendedClientDetails;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Optional;

/**
 * Dates and times as the user reads them: the browser's locale and time zone when known. Signatures and audit
 * times that must be unambiguous use {@link #utc(Instant)}.
 */
public final class DisplayFormats {

    private DisplayFormats() {
    }

    /** Asks the browser for its time zone once per UI, so later formatting can use it. */
    public static void learnTimeZone(UI ui) {
        if (ui != null && ui.getInternals().getExtendedClientDetails() == null) {
            ui.getPage().retrieveExtendedClientDetails(details -> {
            });
        }
    }

    public static String dateTime(Instant instant) {
        if (instant == null) {
            return "";
        }
        ZoneId zone = zone();
        return DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale()).withZone(zone)
                .format(instant) + (zone.equals(ZoneOffset.UTC) ? " UTC" : "");
    }

    public static String date(LocalDate date) {
        return date == null ? "" : DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale()).format(date);
    }

    public static String utc(Instant instant) {
        return UtcTimes.format(instant, "");
    }

    public static String percent(double fraction) {
        return String.format(locale(), "%.1f %%", fraction * 100);
    }

    /** The user's locale, as the translations use it ({@link I18n#locale()}). */
    public static Locale locale() {
        return I18n.locale();
    }

    public static ZoneId zone() {
        return Optional.ofNullable(UI.getCurrent())
                .map(ui -> ui.getInternals().getExtendedClientDetails())
                .map(ExtendedClientDetails::getTimeZoneId)
                .flatMap(DisplayFormats::parseZone)
                .orElse(ZoneOffset.UTC);
    }

    private static Optional<ZoneId> parseZone(String id) {
        try {
            return Optional.of(ZoneId.of(id));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
