package org.histoscope.ui;

import com.vaadin.flow.component.UI;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

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

    /**
     * A service's sentence (a refusal, a job's failure reason) in the current user's language: its key in the
     * bundles with its arguments, or the text as written where it has no key.
     */
    public static String text(PeopleText text) {
        return text(text, locale());
    }

    public static String text(PeopleText text, Locale locale) {
        return text.in(locale);
    }

    /** A refusal written for people, in the current user's language. */
    public static String refusal(WrittenForPeople refusal) {
        return text(refusal.text());
    }

    /** Several refusals (e.g. the rules a password breaks) as one line in the current user's language. */
    public static String joined(List<PeopleText> texts) {
        return texts.stream().map(I18n::text).collect(Collectors.joining(" "));
    }

    public static Locale locale() {
        UI ui = UI.getCurrent();
        return ui != null && ui.getLocale() != null ? ui.getLocale() : Translations.ENGLISH;
    }
}
