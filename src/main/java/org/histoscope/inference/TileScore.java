package org.histoscope.inference;

/** One classified tile: top-left corner and size in ORIGINAL image pixels, and its cancer probability. */
public record TileScore(int x, int y, int width, int height, double probability) {
}
