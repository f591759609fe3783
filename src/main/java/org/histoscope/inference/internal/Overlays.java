package org.histoscope.inference.internal;

import java.awt.image.BufferedImage;
import org.histoscope.inference.HeatmapScale;

/** Colours and PNG encoding of the heatmap and explanation overlays. */
public final class Overlays {

    private Overlays() {
    }

    /** Probability 0 → blue, 0.5 → green/yellow, 1 → red; semi-transparent so the tissue shows through. */
    public static int probabilityColour(double probability, int alpha) {
        return alpha << 24 | HeatmapScale.rgb(probability);
    }
}
