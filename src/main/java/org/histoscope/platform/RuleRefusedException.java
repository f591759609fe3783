package org.histoscope.platform;

/**
 * An action is refused by a rule of the work in the present state (e.g. a retired model cannot be activated). The
 * code names the rule for programs; the message is written for people.
 *
 * @see WrittenForPeople
 */
public class RuleRefusedException extends IllegalStateException implements WrittenForPeople {

    private final String code;

    public RuleRefusedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
