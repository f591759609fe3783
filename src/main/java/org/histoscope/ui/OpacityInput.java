package org.histoscope.ui;

/** The overlay opacity typed by the user (prediction image, slide viewer), in percent. */
public final class OpacityInput {

    private OpacityInput() {
    }

    /** 0 to 100; anything that is not a whole number gives the middle, 50. */
    public static int percent(String value) {
        try {
            return Math.max(0, Math.min(100, Integer.parseInt(value.trim())));
        } catch (RuntimeException e) {
            return 50;
        }
    }
}
