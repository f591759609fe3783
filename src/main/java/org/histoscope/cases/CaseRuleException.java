package org.histoscope.cases;

/** A request that breaks a case rule (e.g. uploading to a signed-out case); the message is meant for the user. */
public class CaseRuleException extends RuntimeException {

    public CaseRuleException(String message) {
        super(message);
    }
}
