package org.histoscope.inference.internal;

/**
 * Per-tile flags of a whole-image prediction, one byte a tile (stored with the tile grid): why a tissue tile does
 * not count toward the slide score. 0 = a usable tile (or background).
 */
public final class TileFlags {

    /** The domain guard scored the tile outside the model's training domain. */
    public static final byte OUT_OF_DOMAIN = 1;
    /** Slide QC: out of focus (low variance of the Laplacian). */
    public static final byte BLURRED = 2;
    /** Slide QC: pen ink (strong blue, green or black marker). */
    public static final byte PEN_INK = 4;
    /** Slide QC: too dark (folds, thick tissue, dirt) or over-exposed / washed out. */
    public static final byte DARK_OR_BRIGHT = 8;

    public static final byte QC_FAILED = BLURRED | PEN_INK | DARK_OR_BRIGHT;

    private TileFlags() {
    }

    public static boolean outOfDomain(byte flags) {
        return (flags & OUT_OF_DOMAIN) != 0;
    }

    public static boolean qcFailed(byte flags) {
        return (flags & QC_FAILED) != 0;
    }

    /** Whether the tile counts toward the slide score and the tile statistics. */
    public static boolean usable(byte flags) {
        return flags == 0;
    }
}
