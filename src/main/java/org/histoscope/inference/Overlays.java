package org.histoscope.inference;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** Colours and PNG encoding of the heatmap and explanation overlays. */
final class Overlays {

    private Overlays() {
    }

    /** Probability 0 → blue, 0.5 → green/yellow, 1 → red; semi-transparent so the tissue shows through. */
    static int probabilityColour(double probability, int alpha) {
        float hue = (float) ((1 - Math.max(0, Math.min(1, probability))) * 240 / 360.0);
        int rgb = Color.HSBtoRGB(hue, 1f, 1f) & 0xFFFFFF;
        return alpha << 24 | rgb;
    }
}
