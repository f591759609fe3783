package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_MANY_PIXELS;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import org.histoscope.images.ImageRejectedException;

/**
 * Reads regions of one tiled TIFF page through full-width bands of whole tile rows, for the pages TwelveMonkeys 3.12
 * must read (it is the only reader here for BigTIFF): it mis-reads a source region narrower than the page, and
 * subsampled reads, of tiles that are not JPEG (uncompressed, Deflate, LZW; its issue #746), while a full-width band
 * at full resolution comes out right. Sampling is done here; the last band is kept, so a tile row read region by
 * region (as tiling and {@link RepeatedBlocks} do) decodes each of its tiles once.
 */
final class TiledBands {

    private static final int COMPRESSION_OLD_JPEG = 6;
    private static final int COMPRESSION_JPEG = 7;

    private final ImageReader reader;
    private final int page;
    private final int width;
    private final int height;
    private final int tileLength;
    private final long maxBandPixels;
    private int bandRow = -1;
    private BufferedImage band;

    TiledBands(ImageReader reader, int page, int width, int height, int tileLength, long maxBandPixels) {
        this.reader = reader;
        this.page = page;
        this.width = width;
        this.height = height;
        this.tileLength = tileLength;
        this.maxBandPixels = maxBandPixels;
    }

    /** Whether the page needs band reads: TwelveMonkeys reads it, it is tiled and its tiles are not JPEG. */
    static boolean needed(ImageReader reader, TiffHeaderFacts facts) {
        return facts != null && facts.isTiled() && facts.tileLength() > 0
                && reader.getClass().getName().startsWith("com.twelvemonkeys")
                && facts.compression() != COMPRESSION_JPEG && facts.compression() != COMPRESSION_OLD_JPEG;
    }

    /** The region sampled every {@code subsampling} pixels from its origin, as one decoder call would give it. */
    BufferedImage read(Rectangle region, int subsampling) throws IOException {
        int outWidth = ceilDiv(region.width, subsampling);
        int outHeight = ceilDiv(region.height, subsampling);
        BufferedImage out = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[outWidth];
        for (int j = 0; j < outHeight; j++) {
            int y = region.y + j * subsampling;
            BufferedImage source = band(y / tileLength);
            int bandY = y - y / tileLength * tileLength;
            for (int i = 0; i < outWidth; i++) {
                row[i] = source.getRGB(region.x + i * subsampling, bandY);
            }
            out.setRGB(0, j, outWidth, 1, row, 0, outWidth);
        }
        return out;
    }

    private BufferedImage band(int tileRow) throws IOException {
        if (tileRow != bandRow) {
            int top = tileRow * tileLength;
            int rows = Math.min(tileLength, height - top);
            if ((long) width * rows > maxBandPixels) {
                throw new ImageRejectedException(TOO_MANY_PIXELS, PeopleText.of(
                        "refusal.images.tile-row-too-large", width, String.valueOf(tileLength),
                        (long) width * rows, maxBandPixels));
            }
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(new Rectangle(0, top, width, rows));
            bandRow = -1;
            band = reader.read(page, param);
            bandRow = tileRow;
        }
        return band;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
