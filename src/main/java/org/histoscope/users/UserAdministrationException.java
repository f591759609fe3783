package org.histoscope.users;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/**
 * A user-management request was refused; the message is meant for the person who made it. Where the refusal is
 * about one input of a form, {@link #field()} names it, so the form marks that field without reading the message.
 */
public class UserAdministrationException extends RuntimeException implements WrittenForPeople {

    /** The inputs a refusal can be about. */
    public enum Field { CURRENT_PASSWORD, NEW_PASSWORD }

    private final Field field;
    private final PeopleText text;

    public UserAdministrationException(String message) {
        this(null, PeopleText.untranslated(message));
    }

    public UserAdministrationException(PeopleText text) {
        this(null, text);
    }

    public UserAdministrationException(Field field, PeopleText text) {
        super(text.english());
        this.field = field;
        this.text = text;
    }

    /** The input this refusal is about; null when it concerns the request as a whole. */
    public Field field() {
        return field;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
