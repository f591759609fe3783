package org.histoscope.inference.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import org.histoscope.inference.ModelCard;

/**
 * Turns 8-bit RGB pixels into the model's input exactly as training did (models/README.md, "Inference contract"):
 * {@code (v / 255 - mean[c]) / std[c]} in float32, channel order and NCHW layout from the card; pixels outside the
 * image (a patch smaller than the input, the border tiles of a slide) are white (255, 255, 255).
 */
public final class Preprocessor {

    private static final int WHITE = 0xFFFFFF;

    private final int height;
    private final int width;
    private final float[] mean = new float[3];
    private final float[] std = new float[3];
    private final boolean bgr;
    private final boolean divideBy255;
    private final float scale;

    public Preprocessor(ModelCard.InputSpec spec) {
        this.height = spec.height();
        this.width = spec.width();
        this.bgr = "BGR".equalsIgnoreCase(spec.channelOrder());
        for (int c = 0; c < 3; c++) {
            mean[c] = spec.mean().get(c).floatValue();
            std[c] = spec.std().get(c).floatValue();
        }
        // Training divides by 255 in float32; multiplying by a rounded 1/255 can differ in the last bit
        this.divideBy255 = Math.abs(spec.scale() - 1.0 / 255) < 1e-12;
        this.scale = (float) spec.scale();
    }

    public int valuesPerPatch() {
        return 3 * height * width;
    }

    /**
     * Writes the patch whose top-left corner is ({@code left}, {@code top}) in {@code image} (a TYPE_INT_RGB image)
     * into {@code target} at patch index {@code slot}. Parts outside the image are white.
     */
    public void patch(BufferedImage image, int left, int top, float[] target, int slot) {
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int imageWidth = image.getWidth();
        int imageHeight = image.getHeight();
        int plane = height * width;
        int base = slot * valuesPerPatch();
        int redPlane = base + (bgr ? 2 : 0) * plane;
        int greenPlane = base + plane;
        int bluePlane = base + (bgr ? 0 : 2) * plane;
        for (int y = 0; y < height; y++) {
            int sy = top + y;
            for (int x = 0; x < width; x++) {
                int sx = left + x;
                int rgb = sx >= 0 && sy >= 0 && sx < imageWidth && sy < imageHeight
                        ? pixels[sy * imageWidth + sx] : WHITE;
                int i = y * width + x;
                target[redPlane + i] = normalise((rgb >> 16) & 0xFF, 0);
                target[greenPlane + i] = normalise((rgb >> 8) & 0xFF, 1);
                target[bluePlane + i] = normalise(rgb & 0xFF, 2);
            }
        }
    }

    private float normalise(int value, int channel) {
        float scaled = divideBy255 ? value / 255f : value * scale;
        return (scaled - mean[channel]) / std[channel];
    }
}
