package org.histoscope.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.histoscope.platform.RequestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * Slows password guessing without ever locking an account's owner out (NIST SP 800-63B 5.2.2, ASVS 5.0 V6.3).
 * Failed logins are counted in a sliding window per (client address, account), per client address and per
 * account; nothing is ever blocked for an account as a whole, only for the addresses that failed on it:
 * <ul>
 *   <li>after the n-th failure of an address on an account, its next attempt on that account waits 2^(n-1) s
 *       (1, 2, 4, 8 s), and after {@code perAddressAndAccount} (5) failures that address may not try that account
 *       again for the window;</li>
 *   <li>once an address has failed {@code perAddress} (20) times on any names (made-up ones included), or an
 *       account has failed {@code perAccount} (100) times from all addresses, each address gets one failure per
 *       account and window instead of five.</li>
 * </ul>
 * An address that has not failed on an account is never refused for it, so the right password from the owner's
 * workstation always works, and colleagues behind one NAT address sign in although someone there sprays made-up
 * names. Refused attempts are not counted (they do not prolong a block). Names are counted in their one normal
 * form ({@link Usernames}). Kept in memory per instance.
 */
@Component
@Unguarded("asked during sign-in, before anyone is signed in")
public class LoginThrottle {

    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    /** Expired counts are dropped every this many failures, so made-up names cannot fill the memory. */
    private static final int SWEEP_EVERY = 1024;

    private final SecurityProperties.LoginThrottle limits;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
    private final AtomicInteger sinceSweep = new AtomicInteger();

    LoginThrottle(SecurityProperties properties, Clock clock) {
        this.limits = properties.loginThrottle();
        this.clock = clock;
    }

    /** Why a login from this address for this account is refused now, if it is. */
    public Optional<String> refusal(String address, String username) {
        Instant now = clock.instant();
        String pair = addressAndAccount(address, username);
        int failed = count(pair, now);
        if (failed == 0) {
            return Optional.empty();
        }
        boolean addressSuspect = count(address(address), now) >= limits.perAddress();
        boolean accountUnderAttack = count(account(username), now) >= limits.perAccount();
        if (addressSuspect || accountUnderAttack) {
            return Optional.of(accountUnderAttack
                    ? "this account failed " + limits.perAccount() + " times from all addresses: one try per address"
                    : "this address failed " + limits.perAddress() + " times: one try per account");
        }
        if (failed >= limits.perAddressAndAccount()) {
            return Optional.of("too many failures from this address for this account");
        }
        Instant allowedFrom = last(pair).plus(delayAfter(failed));
        if (now.isBefore(allowedFrom)) {
            return Optional.of("too soon after the last failure (wait " + delayAfter(failed).toSeconds() + " s)");
        }
        return Optional.empty();
    }

    public void failed(String address, String username) {
        Instant now = clock.instant();
        for (String key : new String[]{addressAndAccount(address, username), address(address), account(username)}) {
            Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (times) {
                times.addLast(now);
                // only "at least the limit" matters; an attacker's flood must not grow one list without end
                while (times.size() > cap()) {
                    times.removeFirst();
                }
            }
        }
        if (count(account(username), now) == limits.perAccount()) {
            log.warn("Account '{}' failed {} logins within {}: each address now gets one try on it",
                    Usernames.normalise(username), limits.perAccount(), limits.window());
        }
        if (sinceSweep.incrementAndGet() >= SWEEP_EVERY) {
            sinceSweep.set(0);
            sweep(now);
        }
    }

    /** A successful login clears its address-and-account count; an administrator's unlock clears the account's. */
    public void succeeded(String address, String username) {
        failures.remove(addressAndAccount(address, username));
    }

    /** An administrator's unlock: every count on this account, from every address, is forgotten. */
    public void forgetAccount(String username) {
        String suffix = "|" + Usernames.normalise(username);
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

    /** 1, 2, 4, 8 ... seconds after the 1st, 2nd, 3rd, 4th ... failure, at most the window. */
    private Duration delayAfter(int failuresSoFar) {
        Duration delay = FIRST_DELAY.multipliedBy(1L << Math.min(failuresSoFar - 1, 20));
        return delay.compareTo(limits.window()) > 0 ? limits.window() : delay;
    }

    private int cap() {
        return Math.max(limits.perAccount(), Math.max(limits.perAddress(), limits.perAddressAndAccount()));
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

    private Instant last(String key) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Instant.MIN;
        }
        synchronized (times) {
            return times.isEmpty() ? Instant.MIN : times.peekLast();
        }
    }

    private void sweep(Instant now) {
        failures.keySet().removeIf(key -> count(key, now) == 0);
    }

    /** The address the request came from (see {@link RequestClient}); the login's own details otherwise. */
    static String addressOf(Authentication authentication) {
        return RequestClient.address().orElseGet(() ->
                authentication != null && authentication.getDetails() instanceof WebAuthenticationDetails details
                        ? details.getRemoteAddress() : "unknown");
    }

    private static String addressAndAccount(String address, String username) {
        return "address+account:" + address + "|" + Usernames.normalise(username);
    }

    private static String address(String address) {
        return "address:" + address;
    }

    private static String account(String username) {
        return "account:|" + Usernames.normalise(username);
    }

    Duration window() {
        return limits.window();
    }

    int trackedKeys() {
        return failures.size();
    }
}
