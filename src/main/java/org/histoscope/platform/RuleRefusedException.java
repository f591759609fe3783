package org.histoscope.platform;

/**
 * An action is refused by a rule of the work in the present state (e.g. a retired model cannot be activated). The
 * code names the rule for programs; the text is written for people, in each reader's language.
 *
 * @see WrittenForPeople
 */
public class RuleRefusedException extends IllegalStateException implements WrittenForPeople {

    private final String code;
    private final PeopleText text;

    public RuleRefusedException(String code, String message) {
        this(code, PeopleText.untranslated(message));
    }

    public RuleRefusedException(String code, PeopleText text) {
        super(text.english());
        this.code = code;
        this.text = text;
    }

    public String code() {
        return code;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
