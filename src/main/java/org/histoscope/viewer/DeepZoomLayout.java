package org.histoscope.viewer;

import java.util.Locale;

/**
 * The Deep Zoom (DZI) pyramid of an image: level {@code maxLevel} is full resolution, each level below halves it,
 * level 0 is one pixel. Tiles are {@link #TILE_SIZE} square without overlap; edge tiles are smaller.
 */
public record DeepZoomLayout(int width, int height) {

    public static final int TILE_SIZE = 256;

    public int maxLevel() {
        int longer = Math.max(width, height);
        return longer <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(longer - 1);
    }

    /** Full-resolution pixels per pixel of the level. */
    public long scale(int level) {
        return 1L << (maxLevel() - level);
    }

    public int levelWidth(int level) {
        return (int) ((width + scale(level) - 1) / scale(level));
    }

    public int levelHeight(int level) {
        return (int) ((height + scale(level) - 1) / scale(level));
    }

    public boolean hasTile(int level, int column, int row) {
        return level >= 0 && level <= maxLevel() && column >= 0 && row >= 0
                && (long) column * TILE_SIZE < levelWidth(level) && (long) row * TILE_SIZE < levelHeight(level);
    }

    /** The DZI descriptor OpenSeadragon reads. */
    public String descriptorXml() {
        return String.format(Locale.ROOT, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" Format=\"jpg\" Overlap=\"0\" "
                + "TileSize=\"%d\"><Size Width=\"%d\" Height=\"%d\"/></Image>\n", TILE_SIZE, width, height);
    }
}
