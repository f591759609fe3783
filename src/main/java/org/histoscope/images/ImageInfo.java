package org.histoscope.images;

import java.util.OptionalDouble;

/**
 * What the header of an image file says, read without decoding pixels.
 *
 * @param format         container format, from the magic bytes
 * @param width          width in pixels of the page Histoscope will use
 * @param height         height in pixels of that page
 * @param pages          number of pages/images in the file (1 except for multi-page TIFF)
 * @param pageIndex      the page used for prediction and preview: the largest page (by pixel count) of a
 *                       multi-page TIFF, the first one on a tie; 0 for other formats
 * @param bitsPerSample  bits per sample of that page (8 or 16 usually)
 * @param samplesPerPixel samples per pixel (1 grey/palette, 3 RGB, 4 RGBA)
 * @param micronsPerPixel physical pixel size when the file states it (TIFF resolution tags in cm or inch);
 *                       empty when unknown
 * @param fileSizeBytes  size of the file on disk
 */
public record ImageInfo(ImageFormat format, int width, int height, int pages, int pageIndex,
                        int bitsPerSample, int samplesPerPixel, OptionalDouble micronsPerPixel,
                        long fileSizeBytes) {

    public long pixelCount() {
        return (long) width * height;
    }
}
