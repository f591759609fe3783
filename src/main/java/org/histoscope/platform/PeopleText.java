package org.histoscope.platform;

import java.text.MessageFormat;
import java.util.Arrays;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.stream.Collectors;

/**
 * A sentence written for people by a service (a refusal, a job's failure reason), kept as a message key of the
 * bundles {@code vaadin-i18n/translations*.properties} and its arguments, so that each screen renders it in its
 * user's language. Services know nothing of Vaadin: they name the key; {@link #english()} is the stable English text
 * the API, the log and the audit keep. A text without a key ({@link #untranslated}) is shown as written.
 *
 * <p>Arguments are formatted by {@link MessageFormat} in the reader's locale (numbers with {@code {0,number,integer}}
 * get the locale's digit grouping), so services pass raw numbers, not formatted strings. An argument that is itself a
 * {@code PeopleText}, or a list of them (joined by spaces), is rendered in the same language.
 */
public record PeopleText(String key, Object[] args, String fallback) {

    /** The English bundle (the base bundle is English; no lookup of the server's default locale). */
    public static final String BUNDLE = "vaadin-i18n.translations";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    public PeopleText {
        args = args == null ? new Object[0] : args.clone();
    }

    /** The sentence under {@code key} of the bundles, with its arguments. */
    public static PeopleText of(String key, Object... args) {
        return new PeopleText(Objects.requireNonNull(key), args, null);
    }

    /** A sentence that has no key (yet): every language shows it as written. */
    public static PeopleText untranslated(String text) {
        return new PeopleText(null, new Object[0], text);
    }

    public boolean translatable() {
        return key != null;
    }

    @Override
    public Object[] args() {
        return args.clone();
    }

    /** The text in English: what the API's problem documents, the log and the audit trail keep. */
    public String english() {
        return in(Locale.ENGLISH);
    }

    /** The text in {@code locale}'s bundle (English where that bundle lacks the key; the key itself if none has it). */
    public String in(Locale locale) {
        if (key == null) {
            return fallback;
        }
        Locale language = locale == null ? Locale.ENGLISH : locale;
        try {
            String pattern = ResourceBundle.getBundle(BUNDLE, language, PeopleText.class.getClassLoader(),
                    NO_DEFAULT_LOCALE).getString(key);
            return new MessageFormat(pattern, language).format(rendered(language));
        } catch (MissingResourceException e) {
            return "!" + key + "!";
        }
    }

    /** Whether the text can be kept as key and JSON arguments (no nested texts): a job's stored failure reason. */
    public boolean storable() {
        return key != null && Arrays.stream(args).allMatch(arg -> arg instanceof String || arg instanceof Number);
    }

    /** The arguments as a JSON array of strings and numbers, for a column next to the key. */
    public String argsJson() {
        try {
            return JSON.writeValueAsString(args);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Arguments of " + key + " cannot be stored", e);
        }
    }

    /** The arguments {@link #argsJson()} wrote; an empty list for null or unreadable JSON (the English text stays). */
    public static List<Object> argsFromJson(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return List.of(JSON.readValue(json, Object[].class));
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    /** Arguments that are themselves texts (a nested refusal, a list of reasons) in the same language. */
    private Object[] rendered(Locale language) {
        Object[] rendered = args.clone();
        for (int i = 0; i < rendered.length; i++) {
            if (rendered[i] instanceof PeopleText text) {
                rendered[i] = text.in(language);
            } else if (rendered[i] instanceof Collection<?> texts) {
                rendered[i] = texts.stream().map(t -> t instanceof PeopleText text ? text.in(language) : String.valueOf(t))
                        .collect(Collectors.joining(" "));
            }
        }
        return rendered;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeopleText that && Objects.equals(key, that.key) && Arrays.equals(args, that.args)
                && Objects.equals(fallback, that.fallback);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, Arrays.hashCode(args), fallback);
    }

    @Override
    public String toString() {
        return key == null ? fallback : key + Arrays.toString(args);
    }
}
