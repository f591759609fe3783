package archfixtures;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;

/** Keeps timeComesFromTheClockBean: now(clock) with the Clock it was given. */
public class ClockUser {

    private final Clock clock;

    public ClockUser(Clock clock) {
        this.clock = clock;
    }

    public String stamp() {
        return Instant.now(clock) + " " + LocalDate.now(clock);
    }
}
