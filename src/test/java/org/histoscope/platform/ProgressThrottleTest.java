package org.histoscope.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.histoscope.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/** Progress is stored at most twice a second, and the end always. */
class ProgressThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void reportsWithinHalfASecondAreDroppedButTheEndAlwaysPasses() {
        List<Double> stored = new ArrayList<>();
        ProgressThrottle progress = new ProgressThrottle(clock, stored::add);

        progress.report(0.1);
        clock.advance(Duration.ofMillis(200));
        progress.report(0.2);
        clock.advance(Duration.ofMillis(300));
        progress.report(0.3);
        clock.advance(Duration.ofMillis(100));
        progress.report(1.0);

        assertThat(stored).containsExactly(0.1, 0.3, 1.0);
    }
}
