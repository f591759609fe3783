package org.histoscope.images.internal;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pixel size stated in a TIFF ImageDescription: Aperio SVS ({@code |MPP = 0.2520|}) or OME-XML
 * ({@code <Pixels PhysicalSizeX="0.25" PhysicalSizeXUnit="µm">}, micrometres when the unit is not given).
 */
final class PixelSizeText {

    private static final Pattern APERIO_MPP = Pattern.compile("(?:^|\\|)\\s*MPP\\s*=\\s*([0-9]*\\.?[0-9]+(?:[eE][-+]?\\d+)?)");
    private static final Pattern OME_PIXELS = Pattern.compile("<(?:\\w+:)?Pixels\\b[^>]*>", Pattern.DOTALL);
    private static final Pattern OME_SIZE_X = Pattern.compile("\\bPhysicalSizeX\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern OME_UNIT_X = Pattern.compile("\\bPhysicalSizeXUnit\\s*=\\s*\"([^\"]+)\"");

    /** Same plausibility window as the resolution tags: 100x oil (0.05) to low-power overviews (50 µm/px). */
    private static final double MIN_PLAUSIBLE = 0.05;
    private static final double MAX_PLAUSIBLE = 50;

    private PixelSizeText() {
    }

    static OptionalDouble micronsPerPixel(String description) {
        if (description == null || description.isEmpty()) {
            return OptionalDouble.empty();
        }
        if (description.startsWith("Aperio")) {
            Matcher mpp = APERIO_MPP.matcher(description);
            return mpp.find() ? plausible(parse(mpp.group(1))) : OptionalDouble.empty();
        }
        Matcher pixels = OME_PIXELS.matcher(description);
        if (description.contains("<OME") && pixels.find()) {
            String element = pixels.group();
            Matcher size = OME_SIZE_X.matcher(element);
            if (!size.find()) {
                return OptionalDouble.empty();
            }
            Matcher unit = OME_UNIT_X.matcher(element);
            double factor = unit.find() ? micronsPer(unit.group(1)) : 1;
            return plausible(parse(size.group(1)) * factor);
        }
        return OptionalDouble.empty();
    }

    private static double micronsPer(String unit) {
        return switch (unit.trim().toLowerCase(Locale.ROOT)) {
            case "µm", "μm", "um", "micron", "micrometer", "micrometre" -> 1;
            case "nm", "nanometer", "nanometre" -> 0.001;
            case "mm", "millimeter", "millimetre" -> 1000;
            case "cm", "centimeter", "centimetre" -> 10_000;
            case "m", "meter", "metre" -> 1_000_000;
            default -> Double.NaN;
        };
    }

    private static double parse(String number) {
        try {
            return Double.parseDouble(number.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static OptionalDouble plausible(double microns) {
        return microns >= MIN_PLAUSIBLE && microns <= MAX_PLAUSIBLE ? OptionalDouble.of(microns) : OptionalDouble.empty();
    }
}
