package org.histoscope.inference.internal;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Brings a square tile of {@code side} source pixels to the model's {@code size} x {@code size} when the image's
 * resolution differs from the model's: box (area) averaging when shrinking, bilinear when enlarging. Pixels outside
 * the source are white, like padding.
 */
final class TileResampler {

    private TileResampler() {
    }

    static BufferedImage resample(BufferedImage source, int left, int top, int side, int size) {
        return resample(source, (double) left, top, side, size);
    }

    /**
     * As {@link #resample(BufferedImage, int, int, int, int)} for a tile that starts and ends between source pixels
     * (a tile of a pyramid level whose downsample does not divide the tile side).
     */
    static BufferedImage resample(BufferedImage source, double left, double top, double side, int size) {
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] src = ((DataBufferInt) source.getRaster().getDataBuffer()).getData();
        int width = source.getWidth();
        int height = source.getHeight();
        double step = side / size;
        for (int oy = 0; oy < size; oy++) {
            for (int ox = 0; ox < size; ox++) {
                dst[oy * size + ox] = side >= size
                        ? boxAverage(src, width, height, left + ox * step, top + oy * step, step)
                        : bilinear(src, width, height, left + (ox + 0.5) * step - 0.5, top + (oy + 0.5) * step - 0.5);
            }
        }
        return out;
    }

    private static int boxAverage(int[] src, int width, int height, double x0, double y0, double step) {
        int xs = (int) Math.floor(x0);
        int ys = (int) Math.floor(y0);
        int xe = Math.max(xs + 1, (int) Math.floor(x0 + step));
        int ye = Math.max(ys + 1, (int) Math.floor(y0 + step));
        long r = 0;
        long g = 0;
        long b = 0;
        int n = 0;
        for (int y = ys; y < ye; y++) {
            for (int x = xs; x < xe; x++) {
                int rgb = pixel(src, width, height, x, y);
                r += (rgb >> 16) & 0xFF;
                g += (rgb >> 8) & 0xFF;
                b += rgb & 0xFF;
                n++;
            }
        }
        return (int) ((r + n / 2) / n) << 16 | (int) ((g + n / 2) / n) << 8 | (int) ((b + n / 2) / n);
    }

    private static int bilinear(int[] src, int width, int height, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        int result = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double top = lerp(channel(src, width, height, x0, y0, shift), channel(src, width, height, x0 + 1, y0, shift), fx);
            double bottom = lerp(channel(src, width, height, x0, y0 + 1, shift),
                    channel(src, width, height, x0 + 1, y0 + 1, shift), fx);
            result |= (int) Math.round(lerp(top, bottom, fy)) << shift;
        }
        return result;
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    private static int channel(int[] src, int width, int height, int x, int y, int shift) {
        return (pixel(src, width, height, x, y) >> shift) & 0xFF;
    }

    private static int pixel(int[] src, int width, int height, int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height ? src[y * width + x] : 0xFFFFFF;
    }
}
