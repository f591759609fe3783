package org.histoscope.inference;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.histoscope.inference.internal.TileFlags;

/**
 * The model's per-tile probabilities of a whole-image prediction, exactly as computed (float32), with the geometry
 * that places every tile on the image: tile (column, row) covers the image pixels from
 * {@code (originX + column * stride, originY + row * stride)}, {@code tileSize} pixels wide and high (clipped at the
 * image's edge). Coordinates are full-resolution pixels of the analysed page. Tiles that were not classified because
 * they hold no tissue are {@code NaN}.
 *
 * @param imageWidth    width of the analysed page in pixels
 * @param imageHeight   height of the analysed page in pixels
 * @param originX       left of tile (0, 0)
 * @param originY       top of tile (0, 0)
 * @param tileSize      side of one tile in image pixels (the model's input, rescaled to the image's resolution)
 * @param stride        distance between neighbouring tiles in image pixels (equal to tileSize: tiles do not overlap)
 * @param columns       tiles per row
 * @param rows          rows of tiles
 * @param probabilities cancer probability per tile, row by row ({@code row * columns + column}); NaN = no tissue
 * @param flags         per tile {@link TileFlags} (out of domain, slide QC failures), same layout; all 0 when none
 *                      were computed (predictions stored before flags were kept)
 * @param oodScores     per tile domain guard score, same layout; null when the model has no domain guard
 */
public record TileGrid(int imageWidth, int imageHeight, int originX, int originY, int tileSize, int stride,
                       int columns, int rows, float[] probabilities, byte[] flags, float[] oodScores) {

    /** A grid without flags or domain scores. */
    public TileGrid(int imageWidth, int imageHeight, int originX, int originY, int tileSize, int stride,
                    int columns, int rows, float[] probabilities) {
        this(imageWidth, imageHeight, originX, originY, tileSize, stride, columns, rows, probabilities, null, null);
    }

    public TileGrid {
        if (columns <= 0 || rows <= 0 || tileSize <= 0 || stride <= 0) {
            throw new IllegalArgumentException("A tile grid needs positive columns, rows, tile size and stride");
        }
        if (probabilities.length != (long) columns * rows) {
            throw new IllegalArgumentException("Expected " + (long) columns * rows + " probabilities, got "
                    + probabilities.length);
        }
        probabilities = probabilities.clone();
        flags = flags == null ? new byte[probabilities.length] : flags.clone();
        if (flags.length != probabilities.length || oodScores != null && oodScores.length != probabilities.length) {
            throw new IllegalArgumentException("Flags and domain scores need one value per tile");
        }
        oodScores = oodScores == null ? null : oodScores.clone();
    }

    @Override
    public byte[] flags() {
        return flags.clone();
    }

    @Override
    public float[] oodScores() {
        return oodScores == null ? null : oodScores.clone();
    }

    /**
     * The probabilities of the tiles that count toward the slide score: NaN for background and for tissue tiles
     * flagged out of domain or by slide QC.
     */
    public float[] usableProbabilities() {
        float[] usable = probabilities.clone();
        for (int i = 0; i < usable.length; i++) {
            if (!TileFlags.usable(flags[i])) {
                usable[i] = Float.NaN;
            }
        }
        return usable;
    }

    /** Tissue tiles whose flags match {@code mask}. */
    public int flaggedTiles(byte mask) {
        int count = 0;
        for (int i = 0; i < flags.length; i++) {
            count += !Float.isNaN(probabilities[i]) && (flags[i] & mask) != 0 ? 1 : 0;
        }
        return count;
    }

    /** A copy of the probabilities, row by row; NaN where there is no tissue. */
    @Override
    public float[] probabilities() {
        return probabilities.clone();
    }

    public float probability(int column, int row) {
        return probabilities[index(column, row)];
    }

    /** Whether the tile was classified (passed the tissue test). */
    public boolean isTissue(int column, int row) {
        return !Float.isNaN(probability(column, row));
    }

    /** The tissue mask, row by row: true where a tile was classified. */
    public boolean[] tissueMask() {
        boolean[] mask = new boolean[probabilities.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = !Float.isNaN(probabilities[i]);
        }
        return mask;
    }

    public int tissueTiles() {
        int count = 0;
        for (float p : probabilities) {
            count += Float.isNaN(p) ? 0 : 1;
        }
        return count;
    }

    /**
     * The probability of the tile holding image pixel (x, y) (for a click on the viewer); empty outside the grid or
     * where the tile holds no tissue.
     */
    public OptionalDouble probabilityAt(long x, long y) {
        if (x < originX || y < originY || x >= imageWidth || y >= imageHeight) {
            return OptionalDouble.empty();
        }
        long column = (x - originX) / stride;
        long row = (y - originY) / stride;
        if (column >= columns || row >= rows || (x - originX) % stride >= tileSize || (y - originY) % stride >= tileSize) {
            return OptionalDouble.empty();
        }
        float p = probabilities[(int) row * columns + (int) column];
        return Float.isNaN(p) ? OptionalDouble.empty() : OptionalDouble.of(p);
    }

    private int index(int column, int row) {
        if (column < 0 || column >= columns || row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("Tile (" + column + ", " + row + ") is outside the " + columns + " x "
                    + rows + " grid");
        }
        return row * columns + column;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TileGrid g && imageWidth == g.imageWidth && imageHeight == g.imageHeight
                && originX == g.originX && originY == g.originY && tileSize == g.tileSize && stride == g.stride
                && columns == g.columns && rows == g.rows && Arrays.equals(probabilities, g.probabilities)
                && Arrays.equals(flags, g.flags) && Arrays.equals(oodScores, g.oodScores);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(probabilities) + columns * 17 + rows;
    }

    @Override
    public String toString() {
        return "TileGrid[" + columns + " x " + rows + " tiles of " + tileSize + " px, stride " + stride + ", origin ("
                + originX + ", " + originY + ") on " + imageWidth + " x " + imageHeight + ", " + tissueTiles()
                + " tissue]";
    }
}
