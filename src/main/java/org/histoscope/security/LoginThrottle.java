package org.histoscope.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;

/**
 * Slows password guessing without handing anyone a way to lock a colleague out (ASVS 5.0 V6.3): failed logins are
 * counted per client address and account, per client address, and per account over all addresses, each in a sliding
 * window. Once a count reaches its limit, logins matching it are refused for the window without checking the
 * password, with the same answer as any failed login. One attacker at one address can therefore block only their
 * own attempts; blocking an account for everyone takes failures from several addresses. Kept in memory per instance.
 */
@Component
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

    private final SecurityProperties.LoginThrottle limits;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    LoginThrottle(SecurityProperties properties, Clock clock) {
        this.limits = properties.loginThrottle();
        this.clock = clock;
    }

    /** Why a login from this address for this account is refused now, if it is. */
    public Optional<String> refusal(String address, String username) {
        Instant now = clock.instant();
        if (count(addressAndAccount(address, username), now) >= limits.perAddressAndAccount()) {
            return Optional.of("too many failures from this address for this account");
        }
        if (count(address(address), now) >= limits.perAddress()) {
            return Optional.of("too many failures from this address");
        }
        if (count(account(username), now) >= limits.perAccount()) {
            return Optional.of("too many failures for this account");
        }
        return Optional.empty();
    }

    public void failed(String address, String username) {
        Instant now = clock.instant();
        for (String key : new String[]{addressAndAccount(address, username), address(address), account(username)}) {
            Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (times) {
                times.addLast(now);
            }
        }
        if (count(account(username), now) == limits.perAccount()) {
            log.warn("Logins to account '{}' are paused for {} after {} failures from several addresses",
                    normalise(username), limits.window(), limits.perAccount());
        }
    }

    /** A successful login clears its address-and-account count; an administrator's unlock clears the account's. */
    public void succeeded(String address, String username) {
        failures.remove(addressAndAccount(address, username));
    }

    public void forgetAccount(String username) {
        String suffix = "|" + normalise(username);
        failures.keySet().removeIf(key -> key.endsWith(suffix));
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        failed(addressOf(event.getAuthentication()), event.getAuthentication().getName());
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        succeeded(addressOf(event.getAuthentication()), event.getAuthentication().getName());
    }

    private int count(String key, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return 0;
        }
        Instant oldest = now.minus(limits.window());
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst().isBefore(oldest)) {
                times.removeFirst();
            }
            return times.size();
        }
    }

    static String addressOf(Authentication authentication) {
        return authentication != null && authentication.getDetails() instanceof WebAuthenticationDetails details
                ? details.getRemoteAddress() : "unknown";
    }

    private static String addressAndAccount(String address, String username) {
        return "address+account:" + address + "|" + normalise(username);
    }

    private static String address(String address) {
        return "address:" + address;
    }

    private static String account(String username) {
        return "account:|" + normalise(username);
    }

    private static String normalise(String username) {
        return username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
    }

    Duration window() {
        return limits.window();
    }
}
