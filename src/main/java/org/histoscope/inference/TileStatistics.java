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
 */
public record TileStatistics(int tileSizePixels, int columns, int rows, int tilesTotal, int tissueTiles,
                             int positiveTiles, double positiveFraction, List<TileScore> topTiles) {

    public TileStatistics {
        topTiles = List.copyOf(topTiles);
    }
}
