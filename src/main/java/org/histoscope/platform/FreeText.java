package org.histoscope.platform;

import java.text.Normalizer;

/**
 * The one normalisation of text people type (names, specimens, notes, diagnoses, comments, reasons), applied where
 * the features' input records are made, so the browser UI and the REST API store the same thing: Unicode NFC, and
 * no invisible controls. Removed are every format character (Unicode category Cf: the bidirectional overrides and
 * isolates U+202A..U+202E and U+2066..U+2069, the marks U+200E/U+200F/U+061C, zero-width U+200B..U+200D, U+2060,
 * U+FEFF, the soft hyphen ...), which can make text display other than it reads (a right-to-left override turns
 * the MRN and date of birth after a patient's name around), and every control character except tab and line
 * breaks (PostgreSQL refuses NUL), and lone surrogates. What remains is what the user sees.
 */
public final class FreeText {

    private FreeText() {
    }

    /** {@code text} in NFC without format and control characters; null stays null. */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC);
        StringBuilder kept = new StringBuilder(composed.length());
        composed.codePoints().filter(FreeText::visible).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    private static boolean visible(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.FORMAT) {
            return false;
        }
        if (type == Character.CONTROL) {
            return codePoint == '\t' || codePoint == '\n' || codePoint == '\r';
        }
        // a lone surrogate is no character at all (and no valid UTF-8 for the database)
        return type != Character.SURROGATE;
    }
}
