package org.histoscope.platform;

import java.util.Locale;

/**
 * What a user types in a search field becomes a LIKE pattern that matches it literally: {@code %}, {@code _} and
 * the escape character itself stand for themselves (queries use {@code ESCAPE '\'}), so "MRN_1" finds only MRN_1.
 */
public final class SearchText {

    private SearchText() {
    }

    /** Lower-case "contains" pattern, or null when there is nothing to search for. */
    public static String containsPattern(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return "%" + escape(text.strip().toLowerCase(Locale.ROOT)) + "%";
    }

    static String escape(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
