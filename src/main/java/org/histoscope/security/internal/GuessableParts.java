package org.histoscope.security.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.histoscope.platform.PeopleText;
import org.histoscope.security.Usernames;

/**
 * What is left of a password once the parts an attacker tries first are taken out: context words (the
 * application's name, "password" in a few languages, the user name and its parts, also in look-alike spelling such
 * as {@code P@ssw0rd}) and separators. {@code Password-2026} and {@code histoscope-2026} leave only a year; a short
 * unit repeated ({@code p2p2p2p2p2p2}) or a handful of distinct characters is one guess, however long.
 */
public final class GuessableParts {

    /** Characters that must remain beyond the context words and separators. */
    static final int MIN_OWN_CHARACTERS = 8;
    static final int MIN_DISTINCT_CHARACTERS = 5;
    /** The application's name and "password" in the languages of likely users; the user name is added per call. */
    private static final List<String> CONTEXT_WORDS = List.of("histoscope", "password", "passwort", "passwd",
            "motdepasse", "contrasena", "wachtwoord", "wachtwort");

    private GuessableParts() {
    }

    public static Optional<PeopleText> problem(String username, String password) {
        String lower = password.toLowerCase(Locale.ROOT);
        String own = withoutSeparators(withoutContextWords(lower, contextWords(username)));
        int ownLength = own.codePointCount(0, own.length());
        if (ownLength < MIN_OWN_CHARACTERS) {
            return Optional.of(PeopleText.of("refusal.password.few-own-characters", ownLength, MIN_OWN_CHARACTERS));
        }
        if (isRepetitive(withoutSeparators(lower)) || isRepetitive(own)) {
            return Optional.of(PeopleText.of("refusal.password.repetitive"));
        }
        return Optional.empty();
    }

    private static List<String> contextWords(String username) {
        List<String> words = new ArrayList<>(CONTEXT_WORDS);
        if (username != null && !username.isBlank()) {
            String name = Usernames.normalise(username);
            words.add(name);
            for (String part : name.split("[^\\p{L}\\p{N}]+")) {
                if (part.length() >= 3) {
                    words.add(part);
                }
            }
        }
        words.sort((a, b) -> b.length() - a.length());
        return words;
    }

    /** Removes each context word, matched also in look-alike spelling (@ for a, 0 for o, 1 for i or l, ...). */
    private static String withoutContextWords(String lower, List<String> words) {
        String plain = unLeet(lower);
        StringBuilder kept = new StringBuilder(lower);
        StringBuilder matched = new StringBuilder(plain);
        for (String word : words) {
            int at;
            while ((at = matched.indexOf(word)) >= 0) {
                kept.delete(at, at + word.length());
                matched.delete(at, at + word.length());
            }
        }
        return kept.toString();
    }

    /** Maps look-alike characters to letters one for one, so indices stay aligned with the original. */
    private static String unLeet(String lower) {
        StringBuilder plain = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            plain.append(switch (c) {
                case '@', '4' -> 'a';
                case '0' -> 'o';
                case '1', '!' -> 'i';
                case '3' -> 'e';
                case '$', '5' -> 's';
                case '7' -> 't';
                default -> c;
            });
        }
        return plain.toString();
    }

    private static String withoutSeparators(String text) {
        return text.replaceAll("[\\s\\p{P}\\p{S}]+", "");
    }

    /** A unit of at most half the length repeated from the start, or fewer than five distinct characters. */
    private static boolean isRepetitive(String text) {
        int[] codePoints = text.codePoints().toArray();
        if (codePoints.length == 0) {
            return false;
        }
        if (text.codePoints().distinct().count() < MIN_DISTINCT_CHARACTERS) {
            return true;
        }
        for (int period = 1; period <= codePoints.length / 2; period++) {
            boolean repeats = true;
            for (int i = period; i < codePoints.length && repeats; i++) {
                repeats = codePoints[i] == codePoints[i - period];
            }
            if (repeats) {
                return true;
            }
        }
        return false;
    }
}
