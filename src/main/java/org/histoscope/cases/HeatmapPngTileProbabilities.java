package org.histoscope.cases;

import jakarta.annotation.security.RolesAllowed;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TileStatistics;
import org.histoscope.security.Roles;
import org.histoscope.viewer.ProbabilityGrid;
import org.springframework.stereotype.Component;

/**
 * Interim source of the tile grid: reads each tile's probability back from the stored heatmap PNG (one
 * semi-transparent cell per tile, hue = (1 - p) x 240 degrees, transparent for background). The hue of 8-bit RGB
 * resolves p to about 0.002, enough for a colour map and for a click to show three decimals honestly rounded; the
 * exact float grid replaces this once inference stores it.
 */
@Component
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
class HeatmapPngTileProbabilities implements TileProbabilities {

    private final PredictionService predictions;

    HeatmapPngTileProbabilities(PredictionService predictions) {
        this.predictions = predictions;
    }

    @Override
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<ProbabilityGrid> of(StoredPrediction prediction, int width, int height) {
        TileStatistics stats = prediction.tileStatistics();
        if (stats == null || !prediction.hasHeatmap()) {
            return Optional.empty();
        }
        return predictions.heatmapPng(prediction.id()).flatMap(png -> decode(png, stats, width, height));
    }

    static Optional<ProbabilityGrid> decode(byte[] png, TileStatistics stats, int width, int height) {
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
