package org.histoscope.images.internal;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.PackedColorModel;
import java.awt.image.Raster;

/**
 * Converts decoded images of any supported layout to 8-bit RGB ({@code TYPE_INT_RGB}) the way the training
 * pipeline does (PIL {@code convert("RGB")}): samples are taken as sRGB without colour management, alpha is
 * dropped, grey is replicated, palettes are looked up and 16-bit samples are scaled to 8 bits with rounding.
 */
final class RgbConversion {

    private RgbConversion() {
    }

    static BufferedImage toRgb(BufferedImage source) {
        if (source.getType() == BufferedImage.TYPE_INT_RGB) {
            return source;
        }
        ColorModel cm = source.getColorModel();
        int type = cm.getColorSpace().getType();
        boolean directSamples = (cm instanceof ComponentColorModel || cm instanceof PackedColorModel)
                && (type == ColorSpace.TYPE_RGB || type == ColorSpace.TYPE_GRAY)
                && source.getRaster().getDataBuffer().getDataType() <= DataBuffer.TYPE_INT;
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(source, icm);
        }
        if (directSamples) {
            return fromSamples(source, cm);
        }
        return byDrawing(source);
    }

    private static BufferedImage fromPalette(BufferedImage source, IndexColorModel palette) {
        int w = source.getWidth();
        int h = source.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        Raster raster = source.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                dst[y * w + x] = palette.getRGB(row[x]) & 0xFFFFFF;
            }
        }
        return out;
    }

    private static BufferedImage fromSamples(BufferedImage source, ColorModel cm) {
        int w = source.getWidth();
        int h = source.getHeight();
        Raster raster = source.getRaster();
        int bands = raster.getNumBands();
        boolean grey = cm.getNumColorComponents() == 1;
        int[] max = new int[bands];
        for (int b = 0; b < bands; b++) {
            max[b] = (1 << raster.getSampleModel().getSampleSize(b)) - 1;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] row = new int[w * bands];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, i = 0; x < w; x++, i += bands) {
                int r = to8(row[i], max[0]);
                int g = grey ? r : to8(row[i + 1], max[1]);
                int b = grey ? r : to8(row[i + 2], max[2]);
                dst[y * w + x] = (r << 16) | (g << 8) | b;
            }
        }
        return out;
    }

    private static int to8(int value, int max) {
        if (max == 255) {
            return value & 0xFF;
        }
        long scaled = ((long) value * 255 + max / 2) / max;
        return (int) Math.max(0, Math.min(255, scaled));
    }

    /** Anything unusual (CMYK, YCbCr, float samples): let Java2D convert, on white. */
    private static BufferedImage byDrawing(BufferedImage source) {
        BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(source, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
