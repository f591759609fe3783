package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The login throttle without Spring, with the shipped limits (5 per address and account, 20 per address, 100 per
 * account, 15 min): guessing is slowed per address, and nobody can lock an account's owner out.
 */
class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final LoginThrottle throttle = throttle(clock);

    static LoginThrottle throttle(Clock clock) {
        SecurityProperties properties = new SecurityProperties(null, new SecurityProperties.Lockout(5, Duration.ofMinutes(15)),
                new SecurityProperties.LoginThrottle(5, 20, 100, Duration.ofMinutes(15)),
                new SecurityProperties.Session(Duration.ofMinutes(30), Duration.ofMinutes(1), Duration.ofHours(12)));
        return new LoginThrottle(properties, clock);
    }

    @Test
    void failuresFromOneAddressPauseOnlyThatAddressForThatAccount() {
        for (int i = 0; i < 5; i++) {
            assertThat(throttle.refusal("10.0.0.66", "dr.house")).isEmpty();
            throttle.failed("10.0.0.66", "dr.house");
            clock.advance(Duration.ofSeconds(20));
        }
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).isPresent();
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).as("still within the window").isPresent();
        assertThat(throttle.refusal("10.0.0.7", "dr.house")).as("the doctor at her own workstation").isEmpty();
        assertThat(throttle.refusal("10.0.0.66", "dr.wilson")).as("another account").isEmpty();
    }

    @Test
    void eachFailureMakesTheNextTryFromThatAddressWaitLonger() {
        int[] waits = {1, 2, 4, 8};
        for (int wait : waits) {
            throttle.failed("10.0.0.66", "dr.house");
            clock.advance(Duration.ofMillis(wait * 1000L - 100));
            assertThat(throttle.refusal("10.0.0.66", "dr.house")).as("%d s after the failure", wait - 0.1)
                    .hasValueSatisfying(reason -> assertThat(reason).contains("too soon"));
            clock.advance(Duration.ofMillis(100));
            assertThat(throttle.refusal("10.0.0.66", "dr.house")).as("%d s after the failure", wait).isEmpty();
        }
    }

    /** Issue #24: five failures from each of four addresses locked the owner out for 15 minutes, repeatably. */
    @Test
    void failuresFromManyAddressesNeverLockTheOwnerOut() {
        for (int address = 1; address <= 25; address++) {
            for (int i = 0; i < 5; i++) {
                throttle.failed("10.66.0." + address, "admin");
            }
        }
        assertThat(throttle.refusal("10.0.0.7", "admin")).as("the owner at a workstation that never failed").isEmpty();
        assertThat(throttle.refusal("10.0.0.8", "ADMIN ")).as("the same name, typed differently").isEmpty();
        assertThat(throttle.refusal("10.66.0.1", "admin")).as("an attacking address").isPresent();
    }

    /** Beyond 100 failures on an account, every address that fails on it is paused at once: one try each. */
    @Test
    void anAccountUnderAttackGivesEachAddressOneTry() {
        for (int address = 0; address < 100; address++) {
            throttle.failed("10.66." + address / 250 + "." + address % 250, "dr.cuddy");
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.refusal("10.66.0.7", "dr.cuddy")).hasValueSatisfying(reason ->
                assertThat(reason).contains("one try per address"));
        assertThat(throttle.refusal("10.0.0.7", "dr.cuddy")).as("the owner's workstation").isEmpty();
        throttle.failed("10.0.0.7", "dr.cuddy");
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.refusal("10.0.0.7", "dr.cuddy")).as("after its one failure").isPresent();
        assertThat(throttle.refusal("10.0.0.7", "dr.wilson")).as("another account from there").isEmpty();
    }

    /** Issue #24: behind one NAT address, 20 failures on made-up names blocked every colleague. */
    @Test
    void colleaguesBehindOneNatAddressStillSignInAfterFailuresOnMadeUpNames() {
        for (int i = 0; i < 40; i++) {
            throttle.failed("192.168.1.1", "made-up-" + i);
        }
        assertThat(throttle.refusal("192.168.1.1", "dr.wilson")).as("a colleague behind the same NAT").isEmpty();
        assertThat(throttle.refusal("192.168.1.1", "dr.chase")).isEmpty();
        // ... while the address that sprays gets one try per name
        throttle.failed("192.168.1.1", "dr.foreman");
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.refusal("192.168.1.1", "dr.foreman")).hasValueSatisfying(reason ->
                assertThat(reason).contains("one try per account"));
        assertThat(throttle.refusal("192.168.1.1", "made-up-3")).isPresent();
    }

    @Test
    void theWindowSlidesAndAnUnlockForgetsTheAccount() {
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
    void namesAreCountedInTheirOneNormalForm() {
        assertThat(Usernames.normalise(" ＤＲ.Ｈｏｕｓｅ ")).isEqualTo("dr.house");
        assertThat(Usernames.normalise("ſam")).isEqualTo("sam");
        assertThat(Usernames.normalise("admın")).as("dotless i has no plain form: another (unknown) name")
                .isNotEqualTo("admin");
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.66", i % 2 == 0 ? "ＤＲ.ＨＯＵＳＥ" : "Dr.House");
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(throttle.refusal("10.0.0.66", "dr.house")).isPresent();
    }

    @Test
    void expiredCountsOfMadeUpNamesAreDropped() {
        for (int i = 0; i < 3000; i++) {
            throttle.failed("10.0.0." + i % 200, "made-up-" + i);
        }
        clock.advance(Duration.ofMinutes(16));
        for (int i = 0; i < 1024; i++) {
            throttle.failed("10.0.0.1", "x");
        }
        assertThat(throttle.trackedKeys()).isLessThan(10);
    }

    @Test
    void nonAdministratorsSeeOnlyThatCudaIsNotAvailable() {
        assertThat(InferenceDevice.forNonAdministrators("CPU (CUDA unavailable: libcublasLt.so.12: cannot open)"))
                .isEqualTo("CPU (CUDA not available)");
        assertThat(InferenceDevice.forNonAdministrators("CUDA:0")).isEqualTo("CUDA:0");
    }
}
