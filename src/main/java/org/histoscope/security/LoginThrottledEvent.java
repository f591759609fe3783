package org.histoscope.security;

/** A login refused by {@link LoginThrottle} before its password was checked; the users feature audits it. */
public record LoginThrottledEvent(String attemptedUsername, String clientAddress, String reason) {
}
