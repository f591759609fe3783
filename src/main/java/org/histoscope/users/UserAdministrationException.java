package org.histoscope.users;

import org.histoscope.platform.WrittenForPeople;

/**
 * A user-management request was refused; the message is meant for the person who made it. Where the refusal is
 * about one input of a form, {@link #field()} names it, so the form marks that field without reading the message.
 */
public class UserAdministrationException extends RuntimeException implements WrittenForPeople {

    /** The inputs a refusal can be about. */
    public enum Field { CURRENT_PASSWORD, NEW_PASSWORD }

    private final Field field;

    public UserAdministrationException(String message) {
        this(null, message);
    }

    public UserAdministrationException(Field field, String message) {
        super(message);
        this.field = field;
    }

    /** The input this refusal is about; null when it concerns the request as a whole. */
    public Field field() {
        return field;
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
