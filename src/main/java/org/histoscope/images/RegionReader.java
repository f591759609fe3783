package org.histoscope.images;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;

/**
 * An opened, already validated image from which regions are read repeatedly (e.g. strip by strip while tiling)
 * without re-parsing the file. Not thread-safe. Close it to release the file.
 */
public interface RegionReader extends AutoCloseable {

    ImageInfo info();

    /** As {@link ImageInspector#readRegion}, on this opened image. */
    BufferedImage readRegion(Rectangle region, int subsampling);

    /**
     * The resolution levels, full resolution first: the file's own pyramid pages when it has them (label and macro
     * pictures excluded), else only level 0.
     */
    default java.util.List<SlideLevel> levels() {
        return java.util.List.of(new SlideLevel(0, info().width(), info().height(), 1));
    }

    /**
     * A region of one level, in that level's pixel coordinates, as {@link #readRegion} does for level 0.
     *
     * @throws IllegalArgumentException when the level does not exist or the region lies outside it
     */
    default BufferedImage readLevelRegion(int level, Rectangle region, int subsampling) {
        if (level != 0) {
            throw new IllegalArgumentException("No level " + level);
        }
        return readRegion(region, subsampling);
    }

    /**
     * The whole image with its longer side at most {@code maxSide}: {@code ceil(width / s)} x {@code ceil(height / s)}
     * pixels with {@code s = ceil(max(width, height) / maxSide)}, the same size as subsampling the used page by s.
     * Pyramid TIFFs are read from a smaller page of the same aspect ratio when one is large enough.
     */
    default BufferedImage preview(int maxSide) {
        ImageInfo info = info();
        int subsampling = Math.max(1, (Math.max(info.width(), info.height()) + maxSide - 1) / maxSide);
        return readRegion(new Rectangle(0, 0, info.width(), info.height()), subsampling);
    }

    /**
     * Decoded bytes that reading {@code region} would cost, whatever the subsampling: whole compressed blocks, and for
     * formats decoded from the top (PNG, JPEG, BMP) every row above it. Lets callers plan within
     * {@link #decodeBudgetLeft()}.
     */
    default long decodeCost(Rectangle region) {
        return (long) region.width * region.height * 4;
    }

    /** Decoded bytes this opened image may still cost before reads are refused (the decode budget of one image). */
    default long decodeBudgetLeft() {
        return Long.MAX_VALUE;
    }

    @Override
    void close();
}
