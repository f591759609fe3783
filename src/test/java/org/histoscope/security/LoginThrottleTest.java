package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.histoscope.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.histoscope.inference.InferenceDevice;
import org.junit.jupiter.api.Test;

/** The login throttle's three counts, without Spring: one attacker cannot lock a colleague out. */
class LoginThrottleTest {

    static LoginThrottle throttle(Clock clock) {
        SecurityProperties properties = new SecurityProperties(null, new SecurityProperties.Lockout(5, Duration.ofMinutes(15)),
                new SecurityProperties.LoginThrottle(5, 20, 20, Duration.ofMinutes(15)),
                new SecurityProperties.Session(Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(12)));
        return new LoginThrottle(properties, clock);
    }

    @Test
    void failuresFromOneAddressPauseOnlyThatAddressForThatAccount() {
        LoginThrottle throttle = throttle(Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.refusal("10.0.0.66", "dr.house")).isEmpty();
            throttle.failed("10.0.0.66", "dr.house");
        }
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).isPresent();
        assertThat(throttle.refusal("10.0.0.7", "dr.house")).as("the doctor at her own workstation").isEmpty();
        assertThat(throttle.refusal("10.0.0.66", "dr.wilson")).as("another account").isEmpty();
    }

    @Test
    void oneAddressTryingManyAccountsIsPausedAndManyAddressesAgainstOneAccountToo() {
        LoginThrottle throttle = throttle(Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC));
        for (int i = 0; i < 20; i++) {
            throttle.failed("10.0.0.66", "user" + i);
        }
        assertThat(throttle.refusal("10.0.0.66", "somebody-new")).contains("too many failures from this address");
        for (int i = 0; i < 20; i++) {
            throttle.failed("10.1.0." + i, "dr.cuddy");
        }
        assertThat(throttle.refusal("10.2.0.1", "dr.cuddy")).contains("too many failures for this account");
    }

    @Test
    void theWindowSlidesAndAnUnlockForgetsTheAccount() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        LoginThrottle throttle = throttle(clock);
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.66", "dr.house");
        }
        clock.advance(Duration.ofMinutes(16));
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).isEmpty();
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.66", "dr.house");
        }
        throttle.forgetAccount("DR.HOUSE");
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).isEmpty();
    }

    @Test
    void nonAdministratorsSeeOnlyThatCudaIsNotAvailable() {
        assertThat(InferenceDevice.forNonAdministrators("CPU (CUDA unavailable: libcublasLt.so.12: cannot open)"))
                .isEqualTo("CPU (CUDA not available)");
        assertThat(InferenceDevice.forNonAdministrators("CUDA:0")).isEqualTo("CUDA:0");
    }
}
