package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.InputRejectedException;
import java.util.Locale;

/**
 * The pixel size a pathologist states at upload for files that carry none (PNG, JPEG, plain TIFF): an objective
 * magnification, taken as 0.25 µm/px at 40x (the scanners' convention), or µm/px directly.
 *
 * @param micronsPerPixel physical pixel size
 * @param label           what the user chose, for the image's details (e.g. "20x objective")
 */
public record StatedPixelSize(double micronsPerPixel, String label) {

    private static final double MICRONS_AT_40X = 0.25;

    public StatedPixelSize {
        if (!(micronsPerPixel >= 0.05 && micronsPerPixel <= 50)) {
            throw new InputRejectedException("micronsPerPixel", "out-of-range", PeopleText.of("refusal.cases.pixel-size-between-0-05"));
        }
    }

    public static StatedPixelSize objective(double magnification) {
        if (!(magnification > 0 && magnification <= 100)) {
            throw new InputRejectedException("objective", "out-of-range", PeopleText.of("refusal.cases.objective-between-1x-100x-needed"));
        }
        return new StatedPixelSize(MICRONS_AT_40X * 40 / magnification,
                String.format(Locale.ROOT, "%sx objective", trim(magnification)));
    }

    public static StatedPixelSize micronsPerPixel(double microns) {
        return new StatedPixelSize(microns, String.format(Locale.ROOT, "%s µm/px", trim(microns)));
    }

    /** The equivalent objective magnification, as the inference request takes it. */
    public double magnification() {
        return MICRONS_AT_40X * 40 / micronsPerPixel;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
