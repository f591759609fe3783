package org.histoscope.viewer;

/**
 * The per-tile probabilities of a whole-slide prediction, in slide coordinates.
 *
 * @param columns       grid columns
 * @param rows          grid rows
 * @param tileSide      side of one grid cell in full-resolution slide pixels
 * @param probabilities row-major, {@code columns * rows} values; NaN for background tiles that were not classified
 * @param flags         row-major per-tile flags ({@code inference.TileFlags}: 1 out of domain, 2/4/8 slide QC); 0 for
 *                      a usable tile
 */
public record ProbabilityGrid(int columns, int rows, int tileSide, float[] probabilities, byte[] flags) {

    public ProbabilityGrid {
        if (columns <= 0 || rows <= 0 || tileSide <= 0 || probabilities.length != columns * rows) {
            throw new IllegalArgumentException("Grid of " + columns + " x " + rows + " needs " + (columns * rows)
                    + " probabilities, has " + probabilities.length);
        }
        flags = flags == null ? new byte[probabilities.length] : flags;
        if (flags.length != probabilities.length) {
            throw new IllegalArgumentException("One flag per tile is needed");
        }
    }

    /** A grid without flags (every tile usable). */
    public ProbabilityGrid(int columns, int rows, int tileSide, float[] probabilities) {
        this(columns, rows, tileSide, probabilities, null);
    }

    public float at(int column, int row) {
        return probabilities[row * columns + column];
    }
}
