package org.histoscope.inference.internal;

import org.histoscope.platform.PeopleText;
import org.histoscope.images.PngEncoder;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.images.RegionReader;
import org.histoscope.inference.DomainGuard;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.Preprocessor;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.TestTimeAugmentation;
import org.histoscope.inference.TileScore;
import org.histoscope.inference.TileStatistics;

/**
 * Whole-image mode: the image is cut into a grid of square tiles of {@code tileSide} image pixels (the model's
 * native patch at the model's resolution). A large image is first screened for tissue at low resolution
 * ({@link TissueScreen}); then only the regions holding candidate tiles are decoded, a few tile rows at a time (memory
 * is bounded by the band, not the image), background tiles are skipped by the {@link TissueDetector}, and tissue tiles
 * are classified in batches while the {@link TileFeeder} decodes the next ones on its own thread.
 */
public final class WholeImagePredictor {

    /** Bands are at least this many pixel rows high, so tiled TIFFs (tiles of 256-512 rows) are decoded few times. */
    private static final int MIN_BAND_ROWS = 512;
    /** The tissue screen looks at taller bands: at low resolution they are small, and straddle fewer block rows. */
    private static final int SCREEN_BAND_ROWS = 2048;
    private static final int TOP_TILES = 10;

    private final LoadedModel model;
    private final InferenceSettings settings;
    private final long maxFullDecodePixels;

    public WholeImagePredictor(LoadedModel model, InferenceSettings settings, long maxFullDecodePixels) {
        this.model = model;
        this.settings = settings;
        this.maxFullDecodePixels = maxFullDecodePixels;
    }

    /** The card's test-time augmentation when the settings allow it per tile (it costs 8x), else none. */
    public TestTimeAugmentation testTimeAugmentation() {
        return settings.wholeImageTta() ? model.card().testTimeAugmentation() : TestTimeAugmentation.NONE;
    }

    /**
     * @param screen how the tissue was found before full-resolution decoding ("every tile decoded" when the image
     *               was small enough to decode at once or cannot be read region by region cheaply)
     */
    public record Result(float[] grid, int columns, int rows, int tileSide, long decodeNanos, long inferNanos,
                  String screen, byte[] flags, float[] oodScores) {

        /** The probabilities that count toward the slide score: flagged tiles (out of domain, QC) are NaN. */
        public float[] usableGrid() {
            float[] usable = grid.clone();
            for (int i = 0; i < usable.length; i++) {
                if (!TileFlags.usable(flags[i])) {
                    usable[i] = Float.NaN;
                }
            }
            return usable;
        }
    }

    public Result run(RegionReader reader, int tileSide, ProgressListener progress) {
        ImageInfo info = reader.info();
        int columns = ceilDiv(info.width(), tileSide);
        int rows = ceilDiv(info.height(), tileSide);
        float[] grid = new float[columns * rows];
        Arrays.fill(grid, Float.NaN);
        byte[] flags = new byte[grid.length];
        float[] oodScores = null;
        if (model.card().domainGuard() != null) {
            oodScores = new float[grid.length];
            Arrays.fill(oodScores, Float.NaN);
        }
        boolean wholeAtOnce = info.pixelCount() <= maxFullDecodePixels;
        int groupRows = wholeAtOnce ? rows : Math.max(1, ceilDiv(MIN_BAND_ROWS, tileSide));
        TissueScreen screen = wholeAtOnce || !settings.tissueScreen() || !readsRegionsCheaply(reader) ? null
                : new TissueScreen(reader, tileSide, columns, rows);
        int screenRows = Math.max(1, ceilDiv(SCREEN_BAND_ROWS, tileSide));
        if (screen == null || screen.source().level() == 0) {
            // the pass that reads every block of level 0: all bands, or the thumbnail pass
            checkWithinDecodeBudget(reader, info, tileSide, rows, screen == null ? groupRows : screenRows);
        }
        Preprocessor preprocessor = new Preprocessor(model.card().input());
        TileFeeder feeder = new TileFeeder(reader, tileSide, columns, rows, groupRows, screen, screenRows,
                new TissueDetector(settings.tissueMinFraction()), preprocessor, model.card().input().width(),
                settings.batchSize());
        Thread decoder = new Thread(feeder, "tile-decoder");
        decoder.setDaemon(true);
        decoder.start();
        long inferNanos = 0;
        double reported = 0;
        try {
            for (TileFeeder.Batch batch = feeder.next(); batch != null; batch = feeder.next()) {
                int rowsDone = batch.isProgress() ? batch.rowsDone : feeder.rowsDone();
                if (!batch.isProgress()) {
                    inferNanos += flush(batch, grid, flags, oodScores);
                }
                // at most every 1 % so that a listener that writes somewhere is not called thousands of times;
                // inference lags the decoded rows by under one batch
                double fraction = 0.99 * rowsDone / rows;
                if (fraction - reported >= 0.01) {
                    progress.progress(fraction);
                    reported = fraction;
                }
            }
            decoder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while predicting", e);
        } finally {
            feeder.cancel();
        }
        return new Result(grid, columns, rows, tileSide, feeder.busyNanos(), inferNanos,
                screen == null ? "every tile decoded" : screen.source().describe(), flags, oodScores);
    }

    /**
     * Whether a small region costs much less to read than the whole image (tiled formats), so that decoding only the
     * tissue pays; formats decoded from the top (PNG, JPEG, BMP) are read band by band instead.
     */
    private static boolean readsRegionsCheaply(RegionReader reader) {
        ImageInfo info = reader.info();
        long whole = reader.decodeCost(new java.awt.Rectangle(0, 0, info.width(), info.height()));
        long corner = reader.decodeCost(new java.awt.Rectangle(info.width() - 1, info.height() - 1, 1, 1));
        return corner * 16 < whole;
    }

    /** Refuses before any work when reading every band would exceed what the reader may decode for one image. */
    private static void checkWithinDecodeBudget(RegionReader reader, ImageInfo info, int tileSide, int rows,
                                                int tileRowsPerBand) {
        long cost = 0;
        for (int firstRow = 0; firstRow < rows; firstRow += tileRowsPerBand) {
            int bandTop = firstRow * tileSide;
            int bandHeight = Math.min(Math.min(tileRowsPerBand, rows - firstRow) * tileSide, info.height() - bandTop);
            cost += reader.decodeCost(new Rectangle(0, bandTop, info.width(), bandHeight));
        }
        long left = reader.decodeBudgetLeft();
        if (cost > left) {
            throw new ImageRejectedException(ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE, PeopleText.of(
                    "refusal.inference.whole-image-over-budget", info.width(), info.height(),
                    String.valueOf(info.format()), cost / 1_000_000, left / 1_000_000));
        }
    }

    private long flush(TileFeeder.Batch batch, float[] grid, byte[] flags, float[] oodScores) {
        long started = System.nanoTime();
        LoadedModel.Scores scores = model.score(batch.values, batch.count, testTimeAugmentation());
        DomainGuard guard = model.card().domainGuard();
        for (int i = 0; i < batch.count; i++) {
            int cell = batch.cells[i];
            grid[cell] = scores.probabilities()[i];
            byte tileFlags = settings.slideQc() ? batch.qcFlags[i] : 0;
            if (guard != null) {
                oodScores[cell] = scores.oodScores()[i];
                if (guard.flags(oodScores[cell])) {
                    tileFlags |= TileFlags.OUT_OF_DOMAIN;
                }
            }
            flags[cell] = tileFlags;
        }
        return System.nanoTime() - started;
    }

    /** As {@link #statistics(Result, ImageInfo, double, double)} with half the tissue required usable. */
    public static TileStatistics statistics(Result result, ImageInfo info, double threshold) {
        return statistics(result, info, threshold, InferenceSettings.DEFAULT.minUsableTissueShare());
    }

    /**
     * Counts over the tissue tiles; positive tiles and the top tiles only among the usable ones (not flagged out of
     * domain or by QC), as the slide score.
     *
     * @param minUsableShare below this share of usable tissue tiles the slide is proposed as not assessable
     */
    public static TileStatistics statistics(Result result, ImageInfo info, double threshold, double minUsableShare) {
        List<TileScore> tissueTiles = new ArrayList<>();
        int positive = 0;
        int allTissue = 0;
        int[] flagged = new int[4];
        byte[] flags = result.flags();
        for (int i = 0; i < result.grid().length; i++) {
            float p = result.grid()[i];
            if (Float.isNaN(p)) {
                continue;
            }
            allTissue++;
            if (!TileFlags.usable(flags[i])) {
                flagged[0] += TileFlags.outOfDomain(flags[i]) ? 1 : 0;
                flagged[1] += (flags[i] & TileFlags.BLURRED) != 0 ? 1 : 0;
                flagged[2] += (flags[i] & TileFlags.PEN_INK) != 0 ? 1 : 0;
                flagged[3] += (flags[i] & TileFlags.DARK_OR_BRIGHT) != 0 ? 1 : 0;
                continue;
            }
            int x = (i % result.columns()) * result.tileSide();
            int y = (i / result.columns()) * result.tileSide();
            tissueTiles.add(new TileScore(x, y, Math.min(result.tileSide(), info.width() - x),
                    Math.min(result.tileSide(), info.height() - y), p));
            if (p >= threshold) {
                positive++;
            }
        }
        List<TileScore> top = tissueTiles.stream()
                .sorted(Comparator.comparingDouble(TileScore::probability).reversed()).limit(TOP_TILES).toList();
        int usable = tissueTiles.size();
        double usableShare = allTissue == 0 ? 0 : (double) usable / allTissue;
        return new TileStatistics(result.tileSide(), result.columns(), result.rows(), result.grid().length, allTissue,
                positive, usable == 0 ? 0 : (double) positive / usable, top, flagged[0], flagged[1], flagged[2],
                flagged[3], usableShare, allTissue > 0 && usableShare < minUsableShare);
    }

    /**
     * The heatmap overlay: the image subsampled like {@code ImageInspector.preview(file, maxSide)} (so both have the
     * same size), one semi-transparent cell per classified tile, transparent elsewhere.
     */
    public static byte[] heatmap(Result result, ImageInfo info, int maxSide) {
        int longer = Math.max(info.width(), info.height());
        int subsampling = Math.max(1, ceilDiv(longer, maxSide));
        int width = ceilDiv(info.width(), subsampling);
        int height = ceilDiv(info.height(), subsampling);
        BufferedImage overlay = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < result.grid().length; i++) {
            float p = result.grid()[i];
            if (Float.isNaN(p)) {
                continue;
            }
            int x0 = (i % result.columns()) * result.tileSide() / subsampling;
            int y0 = (i / result.columns()) * result.tileSide() / subsampling;
            int x1 = Math.min(width, ceilDiv(((i % result.columns()) + 1) * result.tileSide(), subsampling));
            int y1 = Math.min(height, ceilDiv(((i / result.columns()) + 1) * result.tileSide(), subsampling));
            int colour = Overlays.probabilityColour(p, 140);
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    overlay.setRGB(x, y, colour);
                }
            }
        }
        return PngEncoder.encode(overlay);
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
