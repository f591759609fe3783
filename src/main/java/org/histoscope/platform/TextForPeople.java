package org.histoscope.platform;

/**
 * Something that carries a sentence written for people as a key of the bundles ({@link PeopleText}), so that each
 * screen shows it in its reader's language. {@link WrittenForPeople} refusals always show it; other exceptions that
 * carry one (a prediction that could not be made) show it only where they wrap no technical cause.
 */
public interface TextForPeople {

    /** The sentence as a message key and arguments, for each reader's language. */
    PeopleText text();
}
