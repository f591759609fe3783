package org.histoscope.images;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Limits on what an untrusted image may cost. The first ones are checked from the header before any pixel is
 * decoded; the decode budget is counted while decoding.
 *
 * @param maxFileBytes          largest accepted file (default 2 GiB)
 * @param maxPixels             largest accepted width x height (default 1.5 gigapixels: a 38000 x 38000 slide)
 * @param maxSide               largest accepted width or height (default 60000)
 * @param maxFullDecodePixels   images up to this many pixels may be decoded in one piece (default 40 megapixels,
 *                              160 MB as RGB); larger ones are only read region by region
 * @param maxCompressionRatio   most decoded bytes per file byte (default 500): scans, even with much white glass,
 *                              compress far less (lossless slides 2-5 : 1, JPEG slides about 10-50 : 1, as the
 *                              scanner's noise never compresses away; synthetic slides of flat glass about 100 : 1),
 *                              while Deflate bombs and blank canvases reach 1000 : 1, LZW and shared-block bombs far
 *                              more. Bombs that compress less (fastest Deflate, 200 : 1) are caught by their cost
 * @param compressionCheckFromBytes the ratio is only checked for images that decode to more than this (default
 *                              256 MiB), so that small synthetic images of uniform colour stay usable
 * @param maxDecodeUnitBytes    heap-safe cap: the largest block (TIFF strip or tile, progressive JPEG coefficients)
 *                              a decoder must hold in memory at once (default an eighth of the heap, at most 512 MiB)
 * @param decodeBudgetBytes     decoded bytes one opened image (one prediction job, one upload check) may cost in
 *                              total, re-decoding included (default 24 GiB, about a minute or two of one core)
 * @param maxDecodesPerImage    and at most this many times the image's own decoded size (default 16, at least
 *                              256 MiB): how often a layout may force the same pixels to be decoded again (a PNG read
 *                              in bands decodes from the top for each band; a single huge strip is decoded whole)
 * @param maxTiledPixels        largest accepted width x height of a tiled TIFF page (SVS, pyramidal TIFF, BigTIFF;
 *                              default 20 gigapixels: a 40x scan of a whole 3.5 x 3.5 cm section). Such a page is only
 *                              ever read tile by tile, mostly from a smaller pyramid level, and what that costs is
 *                              bounded by the decode budget, so the whole-image limits above do not apply to it
 * @param maxTiledSide          largest accepted width or height of a tiled TIFF page (default 250000)
 */
@ConfigurationProperties("histoscope.images")
public record ImageLimits(Long maxFileBytes, Long maxPixels, Integer maxSide, Long maxFullDecodePixels,
                          Double maxCompressionRatio, Long compressionCheckFromBytes, Long maxDecodeUnitBytes,
                          Long decodeBudgetBytes, Double maxDecodesPerImage, Long maxTiledPixels,
                          Integer maxTiledSide) {

    public static final ImageLimits DEFAULT = new ImageLimits(null, null, null, null);

    private static final long MIB = 1024L * 1024;

    @ConstructorBinding
    public ImageLimits {
        maxFileBytes = maxFileBytes == null ? 2L * 1024 * MIB : maxFileBytes;
        maxPixels = maxPixels == null ? 1_500_000_000L : maxPixels;
        maxSide = maxSide == null ? 60_000 : maxSide;
        maxFullDecodePixels = maxFullDecodePixels == null ? 40_000_000L : maxFullDecodePixels;
        maxCompressionRatio = maxCompressionRatio == null ? 500.0 : maxCompressionRatio;
        compressionCheckFromBytes = compressionCheckFromBytes == null ? 256 * MIB : compressionCheckFromBytes;
        maxDecodeUnitBytes = maxDecodeUnitBytes == null
                ? Math.min(512 * MIB, Runtime.getRuntime().maxMemory() / 8) : maxDecodeUnitBytes;
        decodeBudgetBytes = decodeBudgetBytes == null ? 24L * 1024 * MIB : decodeBudgetBytes;
        maxDecodesPerImage = maxDecodesPerImage == null ? 16.0 : maxDecodesPerImage;
        maxTiledPixels = maxTiledPixels == null ? 20_000_000_000L : maxTiledPixels;
        maxTiledSide = maxTiledSide == null ? 250_000 : maxTiledSide;
    }

    /** The decode budget of one opened image that decodes to {@code declaredBytes} once. */
    public long decodeBudgetFor(long declaredBytes) {
        double relative = Math.max(256.0 * MIB, maxDecodesPerImage * declaredBytes);
        return (long) Math.min(decodeBudgetBytes, relative);
    }

    /** The header limits only; the cost limits take their defaults. */
    public ImageLimits(Long maxFileBytes, Long maxPixels, Integer maxSide, Long maxFullDecodePixels) {
        this(maxFileBytes, maxPixels, maxSide, maxFullDecodePixels, null, null, null, null, null, null, null);
    }

    /** These limits with other cost limits (null keeps the default). */
    public ImageLimits withCosts(Double compressionRatio, Long checkFromBytes, Long decodeUnitBytes, Long budgetBytes) {
        return new ImageLimits(maxFileBytes, maxPixels, maxSide, maxFullDecodePixels, compressionRatio,
                checkFromBytes, decodeUnitBytes, budgetBytes, maxDecodesPerImage, maxTiledPixels, maxTiledSide);
    }
}
