package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE;

import java.awt.Rectangle;
import java.util.Locale;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageLimits;
import org.histoscope.images.ImageRejectedException;

/**
 * What decoding an image costs, in decoded bytes, from how its pixels are stored. Decoders cannot start in the middle
 * of a compressed block: a compressed TIFF strip or tile is always decoded whole, and PNG, JPEG and BMP rows are
 * decoded from the top of the image down to the last row wanted. Reading a band near the bottom of a single-strip
 * TIFF or of a large PNG therefore costs the whole image again, and the cost, not the size of the band, is what
 * bounds the work and the memory an upload may cause.
 */
public final class DecodeCost {

    private final int width;
    private final int height;
    private final int bytesPerPixel;
    /** Width and height of blocks that are always decoded whole; null when rows can be read on their own. */
    private final int[] block;
    /** Rows are decoded from the top of the image (PNG, JPEG, BMP), not read on their own (uncompressed TIFF). */
    private final boolean fromTop;
    private final String layout;

    private DecodeCost(int width, int height, int bytesPerPixel, int[] block, boolean fromTop, String layout) {
        this.width = width;
        this.height = height;
        this.bytesPerPixel = bytesPerPixel;
        this.block = block;
        this.fromTop = fromTop;
        this.layout = layout;
    }

    static DecodeCost of(ImageFormat format, int width, int height, int bitsPerSample, int samplesPerPixel,
                         TiffHeaderFacts tiff) {
        int bytesPerPixel = Math.max(1, samplesPerPixel) * Math.max(1, (bitsPerSample + 7) / 8);
        if (format != ImageFormat.TIFF || tiff == null) {
            return new DecodeCost(width, height, bytesPerPixel, null, true, "its rows");
        }
        if (tiff.compression() == 1) {
            return new DecodeCost(width, height, bytesPerPixel, null, false, "uncompressed rows");
        }
        int[] block = tiff.blockSize(width, height);
        String layout = block[0] == width && block[1] >= height ? "one strip"
                : block[0] == width ? "strips of " + block[1] + " rows"
                : "tiles of " + block[0] + " x " + block[1] + " pixels";
        return new DecodeCost(width, height, bytesPerPixel, block, false, layout);
    }

    /** Bytes of all pixels of the image, decoded once. */
    long declaredBytes() {
        return (long) width * height * bytesPerPixel;
    }

    /** The largest piece a decoder must hold at once: one compressed block, else one row. */
    long blockBytes() {
        return block == null ? (long) width * bytesPerPixel : (long) block[0] * block[1] * bytesPerPixel;
    }

    /** Decoded bytes it costs to read {@code region} (already clipped to the image), whatever the subsampling. */
    long of(Rectangle region) {
        if (block != null) {
            long columns = (region.x + region.width - 1) / block[0] - region.x / block[0] + 1;
            long rows = (region.y + region.height - 1) / block[1] - region.y / block[1] + 1;
            return columns * rows * blockBytes();
        }
        long rows = fromTop ? region.y + region.height : region.height;
        return rows * width * bytesPerPixel;
    }

    /** Refuses, from the header, files that expand like bombs or need blocks too large for the heap. */
    void checkHeader(ImageFormat format, long fileSize, ImageLimits limits) {
        long declared = declaredBytes();
        double ratio = (double) declared / Math.max(1, fileSize);
        if (declared > limits.compressionCheckFromBytes() && ratio > limits.maxCompressionRatio()) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE, PeopleText.of(
                    "refusal.images.decompression-bomb", String.valueOf(format), human(fileSize), width, height,
                    human(declared), ratio, limits.maxCompressionRatio()));
        }
        if (blockBytes() > limits.maxDecodeUnitBytes()) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE, PeopleText.of(
                    "refusal.images.decode-unit-too-large", String.valueOf(format), String.valueOf(layout),
                    human(blockBytes()), human(limits.maxDecodeUnitBytes())));
        }
    }

    /** The message when reading would exceed the budget of one opened image. */
    PeopleText overBudget(ImageFormat format, long spent, long wanted, long budget) {
        return PeopleText.of("refusal.images.decode-over-budget", String.valueOf(format), human(budget), human(spent),
                human(wanted), String.valueOf(layout));
    }

    public static String human(long bytes) {
        if (bytes < 1000) {
            return bytes + " bytes";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }
}
