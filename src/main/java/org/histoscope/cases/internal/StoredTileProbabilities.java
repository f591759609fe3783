package org.histoscope.cases.internal;

import jakarta.annotation.security.RolesAllowed;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.histoscope.cases.TileProbabilities;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileGrid;
import org.histoscope.inference.TileStatistics;
import org.histoscope.security.Roles;
import org.histoscope.viewer.ProbabilityGrid;
import org.springframework.stereotype.Component;

/**
 * The viewer's tile probabilities: the grid inference stored with the prediction, float for float. Predictions
 * stored before grids were kept (they have only the heatmap picture) fall back to reading each tile's probability
 * back from the heatmap PNG (hue = (1 - p) x 240 degrees, transparent for background), which resolves p to about
 * 0.002: enough for the colour map, shown to three decimals.
 */
@Component
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
class StoredTileProbabilities implements TileProbabilities {

    private final PredictionService predictions;

    StoredTileProbabilities(PredictionService predictions) {
        this.predictions = predictions;
    }

    @Override
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<ProbabilityGrid> of(StoredPrediction prediction, int width, int height) {
        TileStatistics stats = prediction.tileStatistics();
        if (stats == null) {
            return Optional.empty();
        }
        Optional<TileGrid> stored = predictions.tileGrid(prediction.id());
        if (stored.isPresent()) {
            return fromGrid(stored.get());
        }
        return prediction.hasHeatmap()
                ? predictions.heatmapPng(prediction.id()).flatMap(png -> fromHeatmap(png, stats, width, height))
                : Optional.empty();
    }

    /** The viewer places cells from the slide's corner, one tile apart; other layouts are not shown. */
    static Optional<ProbabilityGrid> fromGrid(TileGrid grid) {
        if (grid.originX() != 0 || grid.originY() != 0 || grid.stride() != grid.tileSize()) {
            return Optional.empty();
        }
        return Optional.of(new ProbabilityGrid(grid.columns(), grid.rows(), grid.tileSize(), grid.probabilities(),
                grid.flags()));
    }

    static Optional<ProbabilityGrid> fromHeatmap(byte[] png, TileStatistics stats, int width, int height) {
        BufferedImage heatmap;
        try {
            heatmap = ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (heatmap == null) {
            return Optional.empty();
        }
        // the heatmap is the image subsampled by s, ceil(width / s) wide
        int subsampling = Math.max(1, (int) Math.ceil((double) width / heatmap.getWidth()));
        float[] grid = new float[stats.columns() * stats.rows()];
        Arrays.fill(grid, Float.NaN);
        for (int row = 0; row < stats.rows(); row++) {
            for (int column = 0; column < stats.columns(); column++) {
                int x = Math.min(width - 1, column * stats.tileSizePixels() + stats.tileSizePixels() / 2);
                int y = Math.min(height - 1, row * stats.tileSizePixels() + stats.tileSizePixels() / 2);
                int px = Math.min(heatmap.getWidth() - 1, x / subsampling);
                int py = Math.min(heatmap.getHeight() - 1, y / subsampling);
                int argb = heatmap.getRGB(px, py);
                if ((argb >>> 24) != 0) {
                    grid[row * stats.columns() + column] = probabilityOf(argb);
                }
            }
        }
        return Optional.of(new ProbabilityGrid(stats.columns(), stats.rows(), stats.tileSizePixels(), grid));
    }

    /** Inverse of inference's colour map: hue 240 degrees (blue) is 0, hue 0 (red) is 1. */
    static float probabilityOf(int argb) {
        float[] hsb = Color.RGBtoHSB((argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF, null);
        float degrees = hsb[0] * 360;
        if (degrees > 300) {
            degrees = 0; // rounding past red
        }
        return Math.max(0f, Math.min(1f, 1 - degrees / 240f));
    }
}
