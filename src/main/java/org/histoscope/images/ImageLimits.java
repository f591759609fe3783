package org.histoscope.images;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits checked from the header before any pixel is decoded.
 *
 * @param maxFileBytes          largest accepted file (default 2 GiB)
 * @param maxPixels             largest accepted width x height (default 1.5 gigapixels: a 38000 x 38000 slide)
 * @param maxSide               largest accepted width or height (default 60000)
 * @param maxFullDecodePixels   images up to this many pixels may be decoded in one piece (default 40 megapixels,
 *                              160 MB as RGB); larger ones are only read region by region
 */
@ConfigurationProperties("histoscope.images")
public record ImageLimits(Long maxFileBytes, Long maxPixels, Integer maxSide, Long maxFullDecodePixels) {

    public static final ImageLimits DEFAULT = new ImageLimits(null, null, null, null);

    public ImageLimits {
        maxFileBytes = maxFileBytes == null ? 2L * 1024 * 1024 * 1024 : maxFileBytes;
        maxPixels = maxPixels == null ? 1_500_000_000L : maxPixels;
        maxSide = maxSide == null ? 60_000 : maxSide;
        maxFullDecodePixels = maxFullDecodePixels == null ? 40_000_000L : maxFullDecodePixels;
    }
}
