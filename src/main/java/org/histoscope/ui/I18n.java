package org.histoscope.ui;

import com.vaadin.flow.component.UI;
import java.text.MessageFormat;
import java.util.Locale;

/**
 * Translations for code that is not a component (grid column renderers in static helpers, badges, notifications
 * built in static methods): the current UI's locale, the same bundles as {@code Component.getTranslation}.
 */
public final class I18n {

    private I18n() {
    }

    public static String t(String key, Object... params) {
        return translate(key, locale(), params);
    }

    /** The text under {@code key} when the bundles have it, otherwise {@code fallback} (e.g. a menu title from another branch). */
    public static String orElse(String key, String fallback) {
        Locale locale = locale();
        return Translations.find(key, locale).map(text -> new MessageFormat(text, locale).format(new Object[0]))
                .orElse(fallback);
    }

    /** For work outside the UI thread (an upload handler): the locale captured while the UI was current. */
    public static String translate(String key, Locale locale, Object... params) {
        return Translations.find(key, locale).map(text -> new MessageFormat(text, locale).format(params))
                .orElse("!" + key + "!");
    }

    public static Locale locale() {
        UI ui = UI.getCurrent();
        return ui != null && ui.getLocale() != null ? ui.getLocale() : Translations.ENGLISH;
    }
}
