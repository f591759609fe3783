package org.histoscope.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.vaadin.flow.component.UI;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.histoscope.cases.UploadOutcome;
import org.histoscope.images.ImageLimits;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.platform.PeopleText;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignatureRejectedException;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.viewer.ui.SlideViewer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #26: what services write for people (refusals, finalization blockers, failed jobs' reasons, signature
 * meanings) is a key of the bundles, so a German user reads it in German while the API and the audit keep English.
 */
class RefusalTranslationsTest {

    private static final Path SOURCES = Path.of("src/main/java");
    /** A key of the texts services write: refusals, blockers, job failures. */
    private static final Pattern SERVICE_KEY = Pattern.compile("\"((?:refusal|review\\.blocker|job\\.failure)\\.[a-z0-9.-]+)\"");
    private static final Pattern REFUSAL_THROWN = Pattern.compile("new (InputRejectedException|RuleRefusedException|"
            + "ImageRejectedException|CaseRuleException|ReviewRuleException|UserAdministrationException|"
            + "ModelPackageRejectedException|ApiTokenRejectedException|DuplicateKeyException)\\(");
    /** A string literal (its text in group 1), read from the start so that pairs of quotes stay pairs. */
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path directory;

    @AfterEach
    void noCurrentUi() {
        UI.setCurrent(null);
    }

    @Test
    void everyKeyServicesWriteIsInBothBundles() throws IOException {
        Set<String> keys = new TreeSet<>();
        for (String source : sources().values()) {
            Matcher key = SERVICE_KEY.matcher(source);
            while (key.find()) {
                keys.add(key.group(1));
            }
        }
        Stream.of(SignatureMeaning.values()).forEach(meaning -> keys.add(meaning.messageKey()));
        SlideViewer.SCRIPT_TEXTS.forEach(name -> keys.add("viewer.js." + name));
        assertThat(keys).as("keys found in the sources (the scan works)").hasSizeGreaterThan(140)
                .contains("refusal.images.too-large-file", "job.failure.internal", "review.blocker.unsigned");
        assertThat(TranslationBundlesTest.bundle("translations.properties").keySet()).as("English").containsAll(keys);
        assertThat(TranslationBundlesTest.bundle("translations_de.properties").keySet()).as("German").containsAll(keys);
    }

    /** A refusal written as an English literal would reach a German user in English: every one names a key. */
    @Test
    void noServiceThrowsARefusalAsAnEnglishSentence() throws IOException {
        List<String> literal = new ArrayList<>();
        sources().forEach((file, source) -> {
            Matcher thrown = REFUSAL_THROWN.matcher(source);
            while (thrown.find()) {
                String arguments = arguments(source, thrown.end());
                // a literal with a space is a sentence, not a field name, a code or a key
                if (LITERAL.matcher(arguments).results().anyMatch(string -> string.group(1).contains(" "))) {
                    literal.add(file + ": " + thrown.group() + arguments.strip());
                }
            }
        });
        assertThat(literal).isEmpty();
    }

    @Test
    void aGermanUserReadsARefusedUploadInGerman() throws IOException {
        Path empty = Files.createFile(directory.resolve("empty.png"));
        ImageRejectedException refused = catchThrowableOfType(ImageRejectedException.class,
                () -> new SafeImageInspector().inspect(empty));

        assertThat(refused.userMessage()).as("the API's and the log's English, as before").isEqualTo("The file is empty.");
        assertThat(refused.messageKey()).isEqualTo("refusal.images.file-empty");
        assertThat(shownTo(Locale.GERMAN, refused)).isEqualTo("Die Datei ist leer.");
        assertThat(shownTo(Locale.ENGLISH, refused)).isEqualTo("The file is empty.");
    }

    @Test
    void numbersInARefusalFollowTheReadersLanguage() throws IOException {
        Path file = Files.write(directory.resolve("big.png"), new byte[2_345]);
        ImageRejectedException refused = catchThrowableOfType(ImageRejectedException.class,
                () -> new SafeImageInspector(new ImageLimits(1_000L, null, null, null)).inspect(file));

        assertThat(refused.reason()).isEqualTo(ImageRejectedException.Reason.TOO_LARGE_FILE);
        assertThat(refused.userMessage()).isEqualTo("The file is 2,345 bytes; at most 1,000 bytes are accepted.");
        assertThat(shownTo(Locale.GERMAN, refused))
                .isEqualTo("Die Datei hat 2.345 Bytes; höchstens 1.000 Bytes werden angenommen.");
    }

    @Test
    void aPasswordRefusalAndAWrongSignaturePasswordInGerman() {
        PasswordPolicyViolation weak = catchThrowableOfType(PasswordPolicyViolation.class,
                () -> new PasswordPolicy().check("anna", "Short-Pass1"));
        assertThat(weak.problems()).singleElement().asString().startsWith("Use at least 12 characters");
        UI.setCurrent(uiIn(Locale.GERMAN));
        assertThat(I18n.joined(weak.texts()))
                .isEqualTo("Verwenden Sie mindestens 12 Zeichen (eine Passphrase aus mehreren Wörtern ist am "
                        + "einfachsten); dieses hat 11.");
        assertThat(I18n.refusal(new SignatureRejectedException()))
                .isEqualTo("Das Passwort ist nicht korrekt. Die Befundung wurde nicht signiert.");
    }

    @Test
    void nestedReasonsAreRenderedInTheSameLanguage() {
        PeopleText notReady = PeopleText.of("refusal.review.not-ready",
                List.of(PeopleText.of("review.blocker.unsigned", "2"), PeopleText.of("review.blocker.no-images")));
        assertThat(notReady.english()).isEqualTo("The case cannot be finalized yet. 2 result(s) of this case are not "
                + "signed by a reviewer yet. The case has no images.");
        assertThat(I18n.text(notReady, Locale.GERMAN)).isEqualTo("Der Fall kann noch nicht abgeschlossen werden. "
                + "2 Ergebnis(se) dieses Falls sind noch nicht von einer befundenden Person signiert. Der Fall hat "
                + "keine Bilder.");
    }

    @Test
    void aStoredReasonKeepsItsArgumentsThroughJson() {
        PeopleText reason = PeopleText.of("refusal.images.too-large-file", 2_345L, 1_000L);
        PeopleText restored = PeopleText.of(reason.key(), PeopleText.argsFromJson(reason.argsJson()).toArray());
        assertThat(I18n.text(restored, Locale.GERMAN)).isEqualTo(I18n.text(reason, Locale.GERMAN))
                .contains("2.345");
    }

    @Test
    void aRejectedUploadIsOneLineInTheReadersLanguage() {
        UploadOutcome outcome = UploadOutcome.rejected("slide.png", PeopleText.of("refusal.cases.upload-file-empty"));
        assertThat(outcome.message()).isEqualTo("slide.png was not accepted: the file is empty.");
        assertThat(I18n.text(outcome.text(), Locale.GERMAN)).isEqualTo("slide.png wurde nicht angenommen: Die Datei ist leer.");
    }

    private static String shownTo(Locale locale, ImageRejectedException refused) {
        UI.setCurrent(uiIn(locale));
        return I18n.refusal(refused);
    }

    private static UI uiIn(Locale locale) {
        UI ui = new UI();
        ui.setLocale(locale);
        return ui;
    }

    /** The argument list of a call whose opening parenthesis ends at {@code from}. */
    private static String arguments(String source, int from) {
        int depth = 1;
        for (int i = from; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '"') {
                i = source.indexOf('"', i + 1);
                while (source.charAt(i - 1) == '\\') {
                    i = source.indexOf('"', i + 1);
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return source.substring(from, i);
            }
        }
        return source.substring(from);
    }

    private static Map<Path, String> sources() throws IOException {
        Map<Path, String> sources = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(file, Files.readString(file));
            }
        }
        return sources;
    }
}
