package org.histoscope.security;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.springframework.stereotype.Component;
import org.histoscope.platform.PeopleText;
import org.histoscope.platform.Unguarded;
import org.histoscope.security.internal.GuessableParts;

/**
 * Password rules after OWASP ASVS 5.0 V6.2 and NIST SP 800-63B 3.1.1.2: at least 12 characters, up to 128 allowed,
 * any characters, no composition rules, not a commonly used password (list shipped in {@value #COMMON_PASSWORDS}),
 * not the user name, not mostly context words ("histoscope", "password", the user name ...) with digits and
 * separators, and not a short pattern repeated ({@link GuessableParts}).
 */
@Component
@Unguarded("a pure check of a proposed password, asked by the guarded user services and the sign-up forms")
public class PasswordPolicy {

    public static final int MIN_LENGTH = 12;
    public static final int MAX_LENGTH = 128;
    static final String COMMON_PASSWORDS = "/org/histoscope/security/common-passwords.txt";

    private final Set<String> commonPasswords;

    public PasswordPolicy() {
        this.commonPasswords = loadCommonPasswords();
    }

    /**
     * Every rule the password breaks, as messages for the user in English; empty when the password is acceptable.
     *
     * @see #violationTexts(String, String)
     */
    public List<String> violations(String username, String password) {
        return violationTexts(username, password).stream().map(PeopleText::english).toList();
    }

    /**
     * Every rule the password breaks, as texts for each reader's language; empty when the password is acceptable. A
     * length problem is reported alone, and of the guessability rules (common, the user name, context words, a
     * repeated pattern) the first that applies, so the user gets one clear reason at a time.
     */
    public List<PeopleText> violationTexts(String username, String password) {
        List<PeopleText> problems = new ArrayList<>();
        if (password == null || password.isEmpty()) {
            problems.add(PeopleText.of("refusal.password.empty"));
            return problems;
        }
        int length = password.codePointCount(0, password.length());
        if (length < MIN_LENGTH) {
            problems.add(PeopleText.of("refusal.password.too-short", MIN_LENGTH, length));
        }
        if (length > MAX_LENGTH) {
            problems.add(PeopleText.of("refusal.password.too-long", MAX_LENGTH, length));
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        if (commonPasswords.contains(password.toLowerCase(Locale.ROOT))) {
            problems.add(PeopleText.of("refusal.password.common"));
        } else if (username != null && password.equalsIgnoreCase(username.trim())) {
            problems.add(PeopleText.of("refusal.password.user-name"));
        } else {
            GuessableParts.problem(username, password).ifPresent(problems::add);
        }
        return problems;
    }

    public void check(String username, String password) {
        List<PeopleText> problems = violationTexts(username, password);
        if (!problems.isEmpty()) {
            throw new PasswordPolicyViolation(problems);
        }
    }

    int commonPasswordCount() {
        return commonPasswords.size();
    }

    private static Set<String> loadCommonPasswords() {
        InputStream in = PasswordPolicy.class.getResourceAsStream(COMMON_PASSWORDS);
        if (in == null) {
            throw new IllegalStateException("Common password list missing from the classpath: " + COMMON_PASSWORDS);
        }
        Set<String> passwords = new HashSet<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    passwords.add(line.strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(passwords);
    }

    /** A password broke the policy; the message lists every reason (in English), {@link #texts()} for each reader. */
    public static class PasswordPolicyViolation extends IllegalArgumentException {
        private final List<PeopleText> texts;

        public PasswordPolicyViolation(List<PeopleText> texts) {
            super(String.join(" ", texts.stream().map(PeopleText::english).toList()));
            this.texts = List.copyOf(texts);
        }

        /** The reasons in English. */
        public List<String> problems() {
            return texts.stream().map(PeopleText::english).toList();
        }

        /** The reasons, for each reader's language. */
        public List<PeopleText> texts() {
            return texts;
        }
    }
}
