package org.histoscope.security;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param initialAdminPassword password of the first administrator created on a start with no users; when empty a
 *                             random one is generated and printed once to the log. Must satisfy the password policy.
 * @param lockout              how many consecutive failed password re-checks (signatures, own password change)
 *                             lock an account, and for how long
 * @param loginThrottle        limits on failed logins per address, account and both
 * @param session              idle timeout, its warning and the absolute session lifetime
 */
@ConfigurationProperties("histoscope.security")
public record SecurityProperties(String initialAdminPassword, @DefaultValue Lockout lockout,
                                 @DefaultValue LoginThrottle loginThrottle, @DefaultValue Session session) {

    /**
     * Failed-login limits within {@code window} (see security.LoginThrottle): an address may fail
     * {@code perAddressAndAccount} times on one account; once it failed {@code perAddress} times on any names, or the
     * account failed {@code perAccount} times from all addresses (NIST SP 800-63B 5.2.2 asks for at most 100; tests,
     * which all sign in from one address, raise it), once.
     */
    // Integer, not int: an unset variable maps to an empty value, which leaves a boxed component to its @DefaultValue
    public record LoginThrottle(@DefaultValue("5") Integer perAddressAndAccount, @DefaultValue("20") Integer perAddress,
                                @DefaultValue("100") Integer perAccount, @DefaultValue("15m") Duration window) {
        public LoginThrottle {
            if (perAddressAndAccount < 1 || perAddress < 1 || perAccount < 1) {
                throw new IllegalArgumentException("histoscope.security.login-throttle: each limit must be at least 1");
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new IllegalArgumentException("histoscope.security.login-throttle.window must be positive");
            }
        }
    }

    /**
     * @param idleTimeout      no user action for this long ends the session, whatever the browser's heartbeat does
     * @param idleWarning      how long before the idle timeout the user is warned
     * @param absoluteLifetime a session ends this long after sign-in, however active
     */
    public record Session(@DefaultValue("30m") Duration idleTimeout, @DefaultValue("1m") Duration idleWarning,
                          @DefaultValue("12h") Duration absoluteLifetime) {
    }

    public record Lockout(@DefaultValue("5") Integer maxFailures, @DefaultValue("15m") Duration duration) {
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
