package org.histoscope.platform;

/**
 * An exception whose message is written for the person who caused it: a refused input or a rule of the work, never a
 * technical failure. Views show a refusal only through {@link #userMessage()}; they never read an exception's
 * {@code getMessage()} (ArchitectureTest), so a technical message cannot reach a screen by accident. Anything else
 * goes to the one error path: a plain message with a reference, the exception in the log under that reference.
 */
public interface WrittenForPeople {

    /** The sentence to show, as the service wrote it. */
    String userMessage();
}
