package archfixtures;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** Breaks timeComesFromTheClockBean with the now(...) forms the first version of the rule let through. */
public class ClockDodger {

    public String stamp() {
        return LocalTime.now() + " " + ZonedDateTime.now(ZoneOffset.UTC);
    }
}
