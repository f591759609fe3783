package org.histoscope.tokens;

import org.histoscope.platform.WrittenForPeople;

/** A token request that breaks a rule (duplicate name, unknown role, past expiry); the message is for the admin. */
public class ApiTokenRejectedException extends RuntimeException implements WrittenForPeople {

    public ApiTokenRejectedException(String message) {
        super(message);
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
