package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;
import static org.histoscope.images.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.histoscope.images.ImageRejectedException;

/**
 * Reads a tiled TIFF page whose tiles are JPEG 2000 codestreams, which neither the JDK's nor TwelveMonkeys' TIFF
 * reader decodes: Aperio SVS compressions 33003 (YCbCr samples without the codestream's colour transform, as
 * OpenSlide documents) and 33005 (RGB), and 34712 (generic JPEG 2000 in TIFF, RGB). Each tile is decoded by
 * jai-imageio's JPEG 2000 reader; the region is assembled tile by tile, so memory is bounded by the output.
 */
final class Jpeg2000Tiles {

    static final int APERIO_YCBCR = 33003;
    static final int APERIO_RGB = 33005;
    static final int JPEG2000 = 34712;
    /** A single tile's codestream larger than this is not plausible for a 2048-pixel tile of 8-bit RGB. */
    private static final long MAX_TILE_BYTES = 64L * 1024 * 1024;

    private final Path file;
    private final int width;
    private final int height;
    private final int tileWidth;
    private final int tileLength;
    private final long[] offsets;
    private final long[] counts;
    private final boolean ycbcr;

    Jpeg2000Tiles(Path file, int width, int height, TiffHeaderFacts facts) {
        if (!facts.isTiled()) {
            throw new ImageRejectedException(UNSUPPORTED_FORMAT,
                    PeopleText.of("refusal.images.jpeg-2000-compressed-tiff-pages"));
        }
        this.file = file;
        this.width = width;
        this.height = height;
        this.tileWidth = facts.tileWidth();
        this.tileLength = facts.tileLength();
        long[][] segments = facts.tileSegments();
        this.offsets = segments[0];
        this.counts = segments[1];
        this.ycbcr = facts.compression() == APERIO_YCBCR;
    }

    static boolean isJpeg2000(int compression) {
        return compression == APERIO_YCBCR || compression == APERIO_RGB || compression == JPEG2000;
    }

    BufferedImage read(Rectangle region, int subsampling) throws IOException {
        int outWidth = ceilDiv(region.width, subsampling);
        int outHeight = ceilDiv(region.height, subsampling);
        BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int across = ceilDiv(width, tileWidth);
        int firstColumn = region.x / tileWidth;
        int lastColumn = (region.x + region.width - 1) / tileWidth;
        int firstRow = region.y / tileLength;
        int lastRow = (region.y + region.height - 1) / tileLength;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int row = firstRow; row <= lastRow; row++) {
                for (int column = firstColumn; column <= lastColumn; column++) {
                    Raster tile = decode(channel, row * across + column);
                    copy(tile, column * tileWidth, row * tileLength, region, subsampling, dst, outWidth, outHeight);
                }
            }
        }
        return out;
    }

    private void copy(Raster tile, int tileLeft, int tileTop, Rectangle region, int subsampling, int[] dst,
                      int outWidth, int outHeight) {
        // output pixels whose source lies in this tile: source = region origin + output index * subsampling
        int ox0 = Math.max(0, ceilDiv(tileLeft - region.x, subsampling));
        int oy0 = Math.max(0, ceilDiv(tileTop - region.y, subsampling));
        int[] pixel = new int[tile.getNumBands()];
        boolean grey = pixel.length < 3;
        for (int oy = oy0; oy < outHeight; oy++) {
            int sy = region.y + oy * subsampling - tileTop;
            if (sy >= tileLength || sy >= tile.getHeight()) {
                break;
            }
            for (int ox = ox0; ox < outWidth; ox++) {
                int sx = region.x + ox * subsampling - tileLeft;
                if (sx >= tileWidth || sx >= tile.getWidth()) {
                    break;
                }
                tile.getPixel(sx + tile.getMinX(), sy + tile.getMinY(), pixel);
                int r = pixel[0];
                int g = grey ? r : pixel[1];
                int b = grey ? r : pixel[2];
                dst[oy * outWidth + ox] = ycbcr && !grey ? ycbcrToRgb(r, g, b) : (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
            }
        }
    }

    /** JPEG (JFIF, full-range BT.601) YCbCr to RGB. */
    static int ycbcrToRgb(int y, int cb, int cr) {
        double r = y + 1.402 * (cr - 128);
        double g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128);
        double b = y + 1.772 * (cb - 128);
        return clamp((int) Math.round(r)) << 16 | clamp((int) Math.round(g)) << 8 | clamp((int) Math.round(b));
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    private Raster decode(FileChannel channel, int index) throws IOException {
        if (index >= offsets.length) {
            throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.slide-damaged-jpeg-2000-tile"));
        }
        long count = counts[index];
        if (count <= 0 || count > MAX_TILE_BYTES) {
            throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.slide-damaged-jpeg-2000-tile-2"));
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) count);
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, offsets[index] + bytes.position()) < 0) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.slide-truncated-jpeg-2000-tile"));
            }
        }
        ImageReader reader = jpeg2000Reader();
        try (MemoryCacheImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes.array()))) {
            reader.setInput(in, true, true);
            // the codestream states its own size: a tile larger than the TIFF's tile is a decompression bomb
            if (reader.getWidth(0) > tileWidth || reader.getHeight(0) > tileLength) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.slide-damaged-forged-jpeg-2000", String.valueOf(reader.getWidth(0)), String.valueOf(reader.getHeight(0)), String.valueOf(tileWidth), String.valueOf(tileLength)));
            }
            return reader.read(0).getRaster();
        } finally {
            reader.dispose();
        }
    }

    private static ImageReader jpeg2000Reader() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg2000");
        while (readers.hasNext()) {
            ImageReader candidate = readers.next();
            if (candidate.getClass().getName().startsWith("com.github.jaiimageio")) {
                return candidate;
            }
        }
        throw new ImageRejectedException(UNSUPPORTED_FORMAT, PeopleText.of("refusal.images.jpeg-2000-decoder-available"));
    }

    private static int ceilDiv(int a, int b) {
        return Math.floorDiv(a + b - 1, b);
    }
}
