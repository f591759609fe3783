package org.histoscope.ui;

import com.vaadin.flow.i18n.I18NProvider;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.ResourceBundle;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/**
 * The message bundles {@code vaadin-i18n/translations*.properties} (English, German) behind every view's
 * {@code getTranslation(key, params)}. Registered as the one {@link I18NProvider} bean rather than left to Vaadin's
 * default provider so that (a) the server's own default locale never decides the language (no fallback to it: an
 * English user on a German server gets English), (b) English is the first provided locale, which Vaadin gives a
 * browser whose language is neither, and (c) every text goes through {@link MessageFormat}, with or without
 * parameters, so an apostrophe is always written {@code ''} in the bundles (checked by TranslationBundlesTest).
 */
@Component
@Unguarded("Vaadin's translation callback; texts are not protected data")
public class Translations implements I18NProvider {

    public static final String BUNDLE = "vaadin-i18n.translations";
    public static final Locale ENGLISH = Locale.ENGLISH;
    public static final Locale GERMAN = Locale.GERMAN;
    private static final ResourceBundle.Control NO_DEFAULT_LOCALE =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    @Override
    public List<Locale> getProvidedLocales() {
        return List.of(ENGLISH, GERMAN);
    }

    @Override
    public String getTranslation(String key, Locale locale, Object... params) {
        return I18n.translate(key, locale, params);
    }

    /** The text under {@code key}, or empty when neither the locale's bundle nor the English one has it. */
    public static Optional<String> find(String key, Locale locale) {
        try {
            return Optional.of(ResourceBundle.getBundle(BUNDLE, locale == null ? ENGLISH : locale,
                    Translations.class.getClassLoader(), NO_DEFAULT_LOCALE).getString(key));
        } catch (MissingResourceException e) {
            return Optional.empty();
        }
    }
}
