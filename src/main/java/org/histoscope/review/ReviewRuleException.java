package org.histoscope.review;

/** A review request that breaks a rule; the message is written for the user. */
public class ReviewRuleException extends RuntimeException {

    public ReviewRuleException(String message) {
        super(message);
    }
}
