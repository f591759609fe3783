package org.histoscope.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param initialAdminPassword password of the first administrator created on a start with no users; when empty a
 *                             random one is generated and printed once to the log. Must satisfy the password policy.
 * @param lockout              how many consecutive failed logins lock an account, and for how long
 */
@ConfigurationProperties("histoscope.security")
public record SecurityProperties(String initialAdminPassword, @DefaultValue Lockout lockout) {

    public record Lockout(@DefaultValue("5") int maxFailures, @DefaultValue("15m") Duration duration) {
        public Lockout {
            if (maxFailures < 1) {
                throw new IllegalArgumentException("histoscope.security.lockout.max-failures must be at least 1");
            }
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("histoscope.security.lockout.duration must be positive");
            }
        }
    }
}
