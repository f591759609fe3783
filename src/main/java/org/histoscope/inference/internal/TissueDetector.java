package org.histoscope.inference.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Tells tissue from background (glass, slide border, white padding, black scanner margins, pen marks). H&amp;E stained
 * tissue is pink to purple: neither white nor black, and not a pure ink colour. A pixel counts as tissue when it is
 * not near black (max channel at least 40 of 255), not a fully saturated ink colour (HSV saturation,
 * (max - min) / max, at most 0.92), and coloured (saturation at least 0.10) or darker than glass (max channel below
 * 200). A tile is tissue when at least {@code minFraction} of its pixels inside the image are tissue.
 */
public final class TissueDetector {

    static final double MIN_SATURATION = 0.10;
    static final double MAX_SATURATION = 0.92;
    static final int DARK_BELOW = 200;
    static final int BLACK_BELOW = 40;

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
        return tissue > 0 && tissue >= minFraction * width * height;
    }

    /** Fraction of the region's pixels that look like tissue, for images too small to tile. */
    public double tissueFraction(BufferedImage image) {
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        long tissue = 0;
        for (int pixel : pixels) {
            if (isTissuePixel(pixel)) {
                tissue++;
            }
        }
        return pixels.length == 0 ? 0 : (double) tissue / pixels.length;
    }

    static boolean isTissuePixel(int rgb) {
        int max = maxChannel(rgb);
        int min = minChannel(rgb);
        if (max < BLACK_BELOW || max - min > MAX_SATURATION * max) {
            return false;
        }
        return max < DARK_BELOW || max - min >= MIN_SATURATION * max;
    }

    static int maxChannel(int rgb) {
        return Math.max((rgb >> 16) & 0xFF, Math.max((rgb >> 8) & 0xFF, rgb & 0xFF));
    }

    static int minChannel(int rgb) {
        return Math.min((rgb >> 16) & 0xFF, Math.min((rgb >> 8) & 0xFF, rgb & 0xFF));
    }
}
