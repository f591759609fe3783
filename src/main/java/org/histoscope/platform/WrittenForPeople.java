package org.histoscope.platform;

/**
 * An exception whose message is written for the person who caused it: a refused input or a rule of the work, never a
 * technical failure. Views show a refusal only through {@link #text()} rendered in the user's language
 * ({@code ui.I18n.text}); they never read an exception's {@code getMessage()} (ArchitectureTest), so a technical
 * message cannot reach a screen by accident. Anything else goes to the one error path: a plain message with a
 * reference, the exception in the log under that reference.
 */
public interface WrittenForPeople extends TextForPeople {

    /** The sentence in English, as the API, the log and the audit keep it (the exception's message). */
    default String userMessage() {
        return text().english();
    }

    /** The key of the bundles this refusal is written under; null for a sentence without a key. */
    default String messageKey() {
        return text().key();
    }

    default Object[] messageArgs() {
        return text().args();
    }
}
