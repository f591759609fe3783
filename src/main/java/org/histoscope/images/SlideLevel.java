package org.histoscope.images;

/**
 * One resolution level of an image: level 0 is the full-resolution page, the others are the file's own smaller
 * pyramid pages of the same aspect ratio (never label, macro or overview pictures).
 *
 * @param index      0 for full resolution, increasing as levels get smaller
 * @param width      width of the level in its own pixels
 * @param height     height of the level in its own pixels
 * @param downsample full-resolution pixels per level pixel (1 for level 0)
 */
public record SlideLevel(int index, int width, int height, double downsample) {
}
