package org.histoscope.platform;

import java.time.Duration;

/** The retry wait of the outboxes (LIS, FHIR): the first wait, doubled after each failed attempt, capped. */
public final class BackOff {

    private BackOff() {
    }

    /** The wait before attempt {@code failedAttempts + 1}: {@code first}, then doubled, at most {@code longest}. */
    public static Duration after(int failedAttempts, Duration first, Duration longest) {
        Duration wait = first;
        for (int i = 1; i < failedAttempts && wait.compareTo(longest) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(longest) > 0 ? longest : wait;
    }
}
