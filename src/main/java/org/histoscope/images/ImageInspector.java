package org.histoscope.images;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Safe access to untrusted image files. Every method sniffs the format by magic bytes and checks the limits
 * (file size, pixel count, sane dimensions) from the header BEFORE any pixel is decoded, and throws
 * {@link ImageRejectedException} with a user-readable message for anything it refuses. Pixels are only ever
 * decoded region by region or subsampled, so large slides never have to fit in memory.
 */
public interface ImageInspector {

    /** Header facts of the image; throws {@link ImageRejectedException} if it is refused. */
    ImageInfo inspect(Path file);

    /**
     * As {@link #inspect}, and proves with the same limits that the pixels a prediction will need decode: the top
     * and bottom bands of full-resolution rows (the whole image when it is small), the preview level of a
     * multi-page TIFF, and that reading the whole image band by band fits the decode budget. For the door of an
     * upload, so that a file which cannot be analysed is refused before anything is stored.
     */
    ImageInfo inspectAndProbe(Path file);

    /**
     * Decodes a region of the used page (see {@link ImageInfo#pageIndex()}) as an 8-bit sRGB image
     * ({@code TYPE_INT_RGB}; as the training pipeline's PIL {@code convert("RGB")}: alpha dropped,
     * grey and palette expanded, 16-bit scaled to 8 bits).
     *
     * @param region      region in full-resolution pixel coordinates; clipped to the image
     * @param subsampling 1 for full resolution, n to keep every n-th pixel in both directions
     */
    BufferedImage readRegion(Path file, Rectangle region, int subsampling);

    /** The whole used page as sRGB, only allowed for images within {@link #maxFullDecodePixels()}. */
    BufferedImage readWhole(Path file);

    /**
     * A preview whose longer side is at most {@code maxSide} pixels, decoded with subsampling (memory bounded
     * by the preview size, not the image size).
     */
    BufferedImage preview(Path file, int maxSide);

    /** {@link #preview} encoded as PNG bytes, ready for the browser. */
    byte[] previewPng(Path file, int maxSide);

    /** Opens the image for repeated region reads; checks like {@link #inspect} first. Close the reader. */
    RegionReader open(Path file);

    /** Largest pixel count that {@link #readWhole} decodes in one piece. */
    long maxFullDecodePixels();
}
