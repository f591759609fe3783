package org.histoscope.inference;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The one colour scheme of probability heatmaps (0 blue, 0.5 green/yellow, 1 red) and of the layers drawn beside
 * them, and its legend: the server's heatmap PNGs, the viewer's tiles (which get {@link #palette} from the server),
 * the on-screen legends ({@link #cssGradient}) and the PDF's legend ({@link #legendPng}) all come from here, so
 * every heatmap shown or printed carries the scale it was drawn with.
 */
public final class HeatmapScale {

    /** Tiles outside the model's training domain (the viewer's hatched layer, the legend's swatch). */
    public static final int OUT_OF_DOMAIN_RGB = 0xC000C0;
    /** Tiles that failed slide QC (blur, pen ink, too dark or washed out). */
    public static final int QC_FAILED_RGB = 0x606060;
    /** The grey zone's band on the legend: indeterminate probabilities of the result. */
    public static final int GREY_ZONE_RGB = 0x808080;
    /** Steps of the palette the viewer colours its tiles with: finer than a screen can tell apart. */
    public static final int PALETTE_STEPS = 256;

    private HeatmapScale() {
    }

    /** The opaque RGB colour of a probability. */
    public static int rgb(double probability) {
        float hue = (float) ((1 - Math.max(0, Math.min(1, probability))) * 240 / 360.0);
        return Color.HSBtoRGB(hue, 1f, 1f) & 0xFFFFFF;
    }

    /** "#rrggbb" of an RGB value. */
    public static String hex(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
    }

    /** {@link #PALETTE_STEPS} colours, entry i for probability i / (steps - 1): the viewer looks its tiles up here. */
    public static String[] palette() {
        String[] colours = new String[PALETTE_STEPS];
        for (int i = 0; i < PALETTE_STEPS; i++) {
            colours[i] = hex(rgb(i / (double) (PALETTE_STEPS - 1)));
        }
        return colours;
    }

    /** The scale as a CSS background, left 0 to right 1 (the hue runs linearly, so 11 stops draw it exactly). */
    public static String cssGradient() {
        StringBuilder css = new StringBuilder("linear-gradient(to right");
        for (int i = 0; i <= 10; i++) {
            css.append(", ").append(hex(rgb(i / 10.0))).append(' ').append(i * 10).append('%');
        }
        return css.append(')').toString();
    }

    /** A horizontal colour bar from probability 0 (left) to 1 (right), as PNG. */
    public static byte[] legendPng(int width, int height) {
        return legendPng(width, height, null, null, null);
    }

    /**
     * The colour bar with what a reader needs to read a heatmap by it: the threshold as a black-and-white line across
     * the bar and the grey zone as a grey band under it, each only when given.
     */
    public static byte[] legendPng(int width, int height, Double threshold, Double greyLow, Double greyHigh) {
        boolean band = greyLow != null && greyHigh != null;
        int barHeight = band ? Math.max(1, height * 2 / 3) : height;
        BufferedImage legend = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = legend.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (int x = 0; x < width; x++) {
                g.setColor(new Color(rgb(x / (double) (width - 1))));
                g.fillRect(x, 0, 1, barHeight);
            }
            if (band) {
                g.setColor(new Color(GREY_ZONE_RGB));
                int from = position(greyLow, width);
                g.fillRect(from, barHeight, Math.max(1, position(greyHigh, width) - from), height - barHeight);
            }
            if (threshold != null) {
                int x = position(threshold, width);
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(3));
                g.drawLine(x, 0, x, height);
                g.setColor(Color.WHITE);
                g.setStroke(new BasicStroke(1));
                g.drawLine(x, 0, x, barHeight);
            }
        } finally {
            g.dispose();
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(legend, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int position(double probability, int width) {
        return (int) Math.round(Math.max(0, Math.min(1, probability)) * (width - 1));
    }
}
