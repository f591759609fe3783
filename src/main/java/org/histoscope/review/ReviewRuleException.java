package org.histoscope.review;

import org.histoscope.platform.WrittenForPeople;

/** A review request that breaks a rule; the message is written for the user. */
public class ReviewRuleException extends RuntimeException implements WrittenForPeople {

    public ReviewRuleException(String message) {
        super(message);
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
