package org.histoscope.users;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The languages Histoscope's screens are written in; an account without one follows its browser's language. */
public enum UserLanguage {
    ENGLISH(Locale.ENGLISH),
    GERMAN(Locale.GERMAN);

    private final Locale locale;

    UserLanguage(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    /** The language tag stored in {@code app_user.language}. */
    public String tag() {
        return locale.getLanguage();
    }

    public static Optional<UserLanguage> ofTag(String tag) {
        return Arrays.stream(values()).filter(l -> l.tag().equals(tag)).findFirst();
    }
}
