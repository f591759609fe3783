package org.histoscope.tokens;

/** A freshly created token: {@code secret} is shown to the administrator this once and is not stored. */
public record IssuedApiToken(ApiTokenSummary token, String secret) {

    @Override
    public String toString() {
        return "IssuedApiToken[token=" + token + ", secret=(hidden)]";
    }
}
