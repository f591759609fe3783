package org.histoscope.viewer;

/**
 * The per-tile probabilities of a whole-slide prediction, in slide coordinates.
 *
 * @param columns       grid columns
 * @param rows          grid rows
 * @param tileSide      side of one grid cell in full-resolution slide pixels
 * @param probabilities row-major, {@code columns * rows} values; NaN for background tiles that were not classified
 */
public record ProbabilityGrid(int columns, int rows, int tileSide, float[] probabilities) {

    public ProbabilityGrid {
        if (columns <= 0 || rows <= 0 || tileSide <= 0 || probabilities.length != columns * rows) {
            throw new IllegalArgumentException("Grid of " + columns + " x " + rows + " needs " + (columns * rows)
                    + " probabilities, has " + probabilities.length);
        }
    }

    public float at(int column, int row) {
        return probabilities[row * columns + column];
    }
}
