package org.histoscope.tokens;

/** A token request that breaks a rule (duplicate name, unknown role, past expiry); the message is for the admin. */
public class ApiTokenRejectedException extends RuntimeException {

    public ApiTokenRejectedException(String message) {
        super(message);
    }
}
