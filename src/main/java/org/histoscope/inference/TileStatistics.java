package org.histoscope.inference;

import java.util.List;

/**
 * Aggregates of a whole-image prediction.
 *
 * @param tileSizePixels   side of one tile in original image pixels (model native size times the rescale factor)
 * @param columns          tile grid columns
 * @param rows             tile grid rows
 * @param tilesTotal       columns x rows
 * @param tissueTiles      tiles that passed the tissue test and were classified
 * @param positiveTiles    tissue tiles with probability at or above the threshold
 * @param positiveFraction positiveTiles / tissueTiles (0 when there is no tissue)
 * @param topTiles         the highest-scoring tissue tiles, best first (at most 10)
 * @param outOfDomainTiles tissue tiles the domain guard flagged (left out of the slide score)
 * @param blurredTiles     tissue tiles slide QC found out of focus (left out)
 * @param penInkTiles      tissue tiles slide QC found covered by pen ink (left out)
 * @param darkOrBrightTiles tissue tiles slide QC found too dark (folds) or washed out (left out)
 * @param usableShare      share of the tissue tiles that count toward the slide score
 * @param notAssessable    the usable share is below the configured minimum: the slide is proposed as not
 *                         assessable and its verdict is indeterminate
 *
 * <p>Statistics stored before QC existed lack the last six: they read as 0 flagged tiles, all usable.
 */
public record TileStatistics(int tileSizePixels, int columns, int rows, int tilesTotal, int tissueTiles,
                             int positiveTiles, double positiveFraction, List<TileScore> topTiles,
                             Integer outOfDomainTiles, Integer blurredTiles, Integer penInkTiles,
                             Integer darkOrBrightTiles, Double usableShare, Boolean notAssessable) {

    public TileStatistics {
        topTiles = List.copyOf(topTiles);
        outOfDomainTiles = outOfDomainTiles == null ? 0 : outOfDomainTiles;
        blurredTiles = blurredTiles == null ? 0 : blurredTiles;
        penInkTiles = penInkTiles == null ? 0 : penInkTiles;
        darkOrBrightTiles = darkOrBrightTiles == null ? 0 : darkOrBrightTiles;
        usableShare = usableShare == null ? 1.0 : usableShare;
        notAssessable = notAssessable != null && notAssessable;
    }

    /** Statistics without QC or domain guard. */
    public TileStatistics(int tileSizePixels, int columns, int rows, int tilesTotal, int tissueTiles,
                          int positiveTiles, double positiveFraction, List<TileScore> topTiles) {
        this(tileSizePixels, columns, rows, tilesTotal, tissueTiles, positiveTiles, positiveFraction, topTiles,
                null, null, null, null, null, null);
    }
}
