package org.histoscope.cases;

import org.histoscope.platform.WrittenForPeople;

/** A request that breaks a case rule (e.g. uploading to a signed-out case); the message is meant for the user. */
public class CaseRuleException extends RuntimeException implements WrittenForPeople {

    public CaseRuleException(String message) {
        super(message);
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
