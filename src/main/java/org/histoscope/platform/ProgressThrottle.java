package org.histoscope.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleConsumer;

/**
 * A long job's progress, passed on at most twice a second (each report costs a short transaction and a push to the
 * views), and always when the work is complete. One per job attempt; not thread-safe.
 */
public final class ProgressThrottle {

    static final Duration INTERVAL = Duration.ofMillis(500);

    private final Clock clock;
    private final DoubleConsumer store;
    private Instant lastReport = Instant.EPOCH;

    public ProgressThrottle(Clock clock, DoubleConsumer store) {
        this.clock = clock;
        this.store = store;
    }

    /** {@code fraction} from 0 to 1; passed to the store unless the last one passed is less than the interval old. */
    public void report(double fraction) {
        Instant now = clock.instant();
        if (Duration.between(lastReport, now).compareTo(INTERVAL) < 0 && fraction < 1) {
            return;
        }
        lastReport = now;
        store.accept(fraction);
    }
}
