package org.histoscope.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.histoscope.security.Roles;
import org.histoscope.users.UserLanguage;
import org.junit.jupiter.api.Test;

/**
 * The English and German bundles stay complete: every key the code names as a literal ({@code getTranslation("…")},
 * {@code I18n.t("…")}) is in both, both have the same keys, and every text is a valid MessageFormat pattern whose
 * apostrophes are doubled (a single one would silently swallow the text after it).
 */
class TranslationBundlesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final Path BUNDLES = Path.of("src/main/resources/vaadin-i18n");
    /** A key passed straight to a translation call. */
    private static final Pattern KEY_IN_CODE =
            Pattern.compile("(?:getTranslation|I18n\\.t)\\(\\s*\"([A-Za-z0-9_.-]+)\"\\s*[,)]");
    /** Any literal shaped like a key of the bundles' features, e.g. the branches of {@code getTranslation(a ? "x.y" : "x.z")}. */
    private static final Pattern KEY_LITERAL = Pattern.compile("\"([a-z]+)\\.([A-Za-z0-9_.-]*[A-Za-z0-9_-])\"");
    private static final Pattern LONE_APOSTROPHE = Pattern.compile("(?<!')'(?!')");

    @Test
    void everyKeyUsedInCodeIsInBothBundles() throws IOException {
        Set<String> used = keysUsedInCode();
        assertThat(used).as("keys found in the sources (the scan works)").hasSizeGreaterThan(50);
        assertThat(bundle("translations.properties").keySet()).as("English bundle").containsAll(used);
        assertThat(bundle("translations_de.properties").keySet()).as("German bundle").containsAll(used);
    }

    @Test
    void keysBuiltFromValuesAreInTheBundles() throws IOException {
        Set<String> built = new TreeSet<>();
        Stream.of(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN).forEach(role -> built.add("role." + role));
        Arrays.stream(UserLanguage.values()).forEach(l -> built.add("language." + l.name().toLowerCase(Locale.ROOT)));
        assertThat(bundle("translations.properties").keySet()).containsAll(built);
    }

    @Test
    void bothBundlesHaveTheSameKeys() throws IOException {
        assertThat(bundle("translations_de.properties").keySet())
                .isEqualTo(bundle("translations.properties").keySet());
    }

    @Test
    void everyTextIsAValidPatternWithDoubledApostrophesAndTheSameParameters() throws IOException {
        Map<String, String> english = bundle("translations.properties");
        Map<String, String> german = bundle("translations_de.properties");
        for (Map<String, String> texts : java.util.List.of(english, german)) {
            texts.forEach((key, text) -> {
                assertThat(LONE_APOSTROPHE.matcher(text).find()).as("single apostrophe in %s: %s", key, text).isFalse();
                new MessageFormat(text); // throws on a broken pattern
            });
        }
        english.forEach((key, text) -> assertThat(parameters(german.getOrDefault(key, "")))
                .as("parameters of %s", key).isEqualTo(parameters(text)));
    }

    private static Set<String> parameters(String text) {
        return Pattern.compile("\\{(\\d+)").matcher(text).results().map(m -> m.group(1))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    static Set<String> keysUsedInCode() throws IOException {
        Set<String> features = bundle("translations.properties").keySet().stream()
                .map(key -> key.substring(0, key.indexOf('.'))).collect(Collectors.toSet());
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher call = KEY_IN_CODE.matcher(source);
                while (call.find()) {
                    keys.add(call.group(1));
                }
                Matcher literal = KEY_LITERAL.matcher(source);
                while (literal.find()) {
                    if (features.contains(literal.group(1))) {
                        keys.add(literal.group(1) + "." + literal.group(2));
                    }
                }
            }
        }
        return keys;
    }

    static Map<String, String> bundle(String name) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(BUNDLES.resolve(name), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return new TreeMap<>(properties.entrySet().stream().collect(Collectors.toMap(
                e -> (String) e.getKey(), e -> (String) e.getValue())));
    }
}
