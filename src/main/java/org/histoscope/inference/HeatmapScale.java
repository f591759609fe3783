package org.histoscope.inference;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The one colour scheme of probability heatmaps (0 blue, 0.5 green/yellow, 1 red), and its legend as a picture, so
 * that every heatmap shown or printed can carry the scale it was drawn with.
 */
public final class HeatmapScale {

    private HeatmapScale() {
    }

    /** The opaque RGB colour of a probability. */
    public static int rgb(double probability) {
        float hue = (float) ((1 - Math.max(0, Math.min(1, probability))) * 240 / 360.0);
        return Color.HSBtoRGB(hue, 1f, 1f) & 0xFFFFFF;
    }

    /** A horizontal colour bar from probability 0 (left) to 1 (right), as PNG. */
    public static byte[] legendPng(int width, int height) {
        BufferedImage bar = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            int colour = rgb(x / (double) (width - 1));
            for (int y = 0; y < height; y++) {
                bar.setRGB(x, y, colour);
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(bar, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
