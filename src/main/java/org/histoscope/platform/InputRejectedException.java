package org.histoscope.platform;

/**
 * A value a person entered is refused. Names the field it is about and a stable code, so that a form marks the
 * right field without searching the message text.
 *
 * @see WrittenForPeople
 */
public class InputRejectedException extends IllegalArgumentException implements WrittenForPeople {

    private final String field;
    private final String code;
    private final PeopleText text;

    public InputRejectedException(String field, String code, String message) {
        this(field, code, PeopleText.untranslated(message));
    }

    public InputRejectedException(String field, String code, PeopleText text) {
        super(text.english());
        this.field = field;
        this.code = code;
        this.text = text;
    }

    /** The input the refusal is about, as the service names it (e.g. {@code "reason"}). */
    public String field() {
        return field;
    }

    /** Why, as a stable code (e.g. {@code "required"}, {@code "out-of-range"}). */
    public String code() {
        return code;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
