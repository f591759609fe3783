package org.histoscope.inference;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Tells tissue from background (glass, slide border, white padding). A pixel counts as tissue when it is
 * coloured (HSV saturation, (max - min) / max, at least 0.10) or dark (max channel below 200 of 255): H&amp;E stained
 * tissue is pink to purple, while glass is bright and grey. A tile is tissue when at least {@code minFraction} of its
 * pixels inside the image are tissue.
 */
public final class TissueDetector {

    static final double MIN_SATURATION = 0.10;
    static final int DARK_BELOW = 200;

    private final double minFraction;

    public TissueDetector(double minFraction) {
        this.minFraction = minFraction;
    }

    public boolean isTissue(BufferedImage image, int left, int top, int width, int height) {
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int imageWidth = image.getWidth();
        int x0 = Math.max(0, left);
        int y0 = Math.max(0, top);
        int x1 = Math.min(imageWidth, left + width);
        int y1 = Math.min(image.getHeight(), top + height);
        int tissue = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if (isTissuePixel(pixels[y * imageWidth + x])) {
                    tissue++;
                }
            }
        }
        // Padding outside the image counts as background: compare against the full tile area
        return tissue >= minFraction * width * height && tissue > 0;
    }

    static boolean isTissuePixel(int rgb) {
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        int max = Math.max(r, Math.max(g, b));
        int min = Math.min(r, Math.min(g, b));
        return max < DARK_BELOW || (max > 0 && (max - min) >= MIN_SATURATION * max);
    }
}
