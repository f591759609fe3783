package org.histoscope.inference.internal;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SlideLevel;
import org.histoscope.inference.internal.Preprocessor;

/**
 * Decodes the tissue tiles of a large image and hands them over in model-ready batches, on its own thread, so that
 * decoding the next batch overlaps the model's work on the last one. The image is read in groups of tile rows; in
 * each group only the spans of columns that hold candidate tiles are decoded (all columns when there is no
 * {@link TissueScreen}), and each candidate tile is tested exactly by the {@link TissueDetector}.
 */
public final class TileFeeder implements Runnable {

    /**
     * One batch for the model: {@code count} patches, {@code cells[i]} the grid index of patch i; or, without
     * values, a progress note that {@code rowsDone} tile rows have been decoded.
     */
    static final class Batch {
        final float[] values;
        final int[] cells;
        /** Slide QC flags of patch i ({@link TileFlags}). */
        final byte[] qcFlags;
        int count;
        final int rowsDone;

        Batch(float[] values, int[] cells) {
            this.values = values;
            this.cells = cells;
            this.qcFlags = new byte[cells.length];
            this.rowsDone = -1;
        }

        private Batch(int rowsDone) {
            this.values = null;
            this.cells = null;
            this.qcFlags = null;
            this.rowsDone = rowsDone;
        }

        boolean isProgress() {
            return values == null;
        }
    }

    private static final Batch END = new Batch(new float[0], new int[0]);
    /** Batches and progress notes waiting for the model: enough to cover a slow read, few enough to bound memory. */
    private static final int QUEUE_DEPTH = 8;

    private final RegionReader reader;
    private final int tileSide;
    private final int columns;
    private final int rows;
    private final int groupRows;
    private final int screenRows;
    private final TissueScreen screen;
    private final TissueDetector tissue;
    private final Preprocessor preprocessor;
    private final int modelSide;
    private final int batchSize;
    /** The pyramid level tiles are read from: the smallest with at least twice the model's resolution. */
    private final SlideLevel level;
    private final BlockingQueue<Batch> ready = new ArrayBlockingQueue<>(QUEUE_DEPTH);

    private volatile boolean cancelled;
    private volatile int rowsDone;
    private volatile long busyNanos;
    private long waitNanos;
    private volatile Throwable failure;

    TileFeeder(RegionReader reader, int tileSide, int columns, int rows, int groupRows, TissueScreen screen,
               int screenRows, TissueDetector tissue, Preprocessor preprocessor, int modelSide, int batchSize) {
        this.reader = reader;
        this.tileSide = tileSide;
        this.columns = columns;
        this.rows = rows;
        this.groupRows = groupRows;
        this.screen = screen;
        this.screenRows = screen == null ? groupRows : Math.max(groupRows, screenRows);
        this.tissue = tissue;
        this.preprocessor = preprocessor;
        this.modelSide = modelSide;
        this.batchSize = batchSize;
        this.level = nearestLevel(reader.levels(), tileSide, modelSide);
    }

    /**
     * How many level pixels per model pixel a tile must keep, at least: a pyramid level is itself a lossy, reduced
     * copy (JPEG blocks of 8 pixels, colour at half resolution, the writer's own reduction), so a level read at exactly
     * the model's resolution hands those artefacts to the model pixel for pixel. Read at twice the resolution and
     * averaged 2x2, each model pixel averages four level pixels and its colour is sampled at the model's own resolution: on a 16x JPEG
     * pyramid of a stitched slide this brought the per-tile AUC from 0.042 below the native slide's to within 0.01
     * (benchmark/README.md, "Re-magnified slides").
     */
    static final int LEVEL_OVERSAMPLING = 2;

    /**
     * The level with the largest downsample that keeps a tile at least {@link #LEVEL_OVERSAMPLING} times
     * {@code modelSide} level pixels wide, so that a 40x scan analysed at the model's 2.5x is averaged down from a
     * level of at least 5x rather than from full resolution or from the 2.5x level itself, and never enlarged from a
     * coarser one. Level 0 when no smaller level is fine enough (the tile is then averaged down from full resolution).
     */
    public static SlideLevel nearestLevel(List<SlideLevel> levels, int tileSide, int modelSide) {
        SlideLevel best = levels.get(0);
        for (SlideLevel candidate : levels) {
            if (candidate.downsample() > best.downsample()
                    && tileSide / candidate.downsample() >= (double) LEVEL_OVERSAMPLING * modelSide) {
                best = candidate;
            }
        }
        return best;
    }

    /** The pyramid level tiles are read from (level 0: full resolution). */
    SlideLevel level() {
        return level;
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        try {
            Batch batch = newBatch();
            for (int screenTop = 0; screenTop < rows && !cancelled; screenTop += screenRows) {
                int screenCount = Math.min(screenRows, rows - screenTop);
                boolean[] candidates = screen == null ? allTrue(screenCount * columns)
                        : screen.candidates(screenTop, screenCount);
                for (int first = screenTop; first < screenTop + screenCount && !cancelled; first += groupRows) {
                    int count = Math.min(groupRows, screenTop + screenCount - first);
                    batch = feedGroup(first, count, candidates, (first - screenTop) * columns, batch);
                }
            }
            if (batch.count > 0) {
                hand(batch);
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            busyNanos = System.nanoTime() - started - waitNanos;
            handQuietly(END);
        }
    }

    /** The next batch, or {@code null} when every tile was handed over. Rethrows what stopped the decoding. */
    Batch next() throws InterruptedException {
        Batch batch = ready.take();
        if (batch != END) {
            return batch;
        }
        ready.offer(END);
        Throwable e = failure;
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    /** Tile rows decoded so far, for progress when notes were dropped. */
    int rowsDone() {
        return rowsDone;
    }

    void cancel() {
        cancelled = true;
        ready.clear();
    }

    /** Time spent decoding, testing and preprocessing, not waiting for the model. */
    long busyNanos() {
        return busyNanos;
    }

    private Batch feedGroup(int firstRow, int rowCount, boolean[] candidates, int offset, Batch batch)
            throws InterruptedException {
        if (level.index() != 0) {
            return feedGroupFromLevel(firstRow, rowCount, candidates, offset, batch);
        }
        ImageInfo info = reader.info();
        int top = firstRow * tileSide;
        int height = Math.min(rowCount * tileSide, info.height() - top);
        List<int[]> spans = spans(candidates, offset, rowCount);
        List<BufferedImage> regions = new ArrayList<>(spans.size());
        for (int[] span : spans) {
            int left = span[0] * tileSide;
            regions.add(reader.readRegion(new Rectangle(left, top, Math.min(span[1] * tileSide, info.width()) - left,
                    height), 1));
        }
        for (int row = firstRow; row < firstRow + rowCount && !cancelled; row++) {
            for (int s = 0; s < spans.size(); s++) {
                int[] span = spans.get(s);
                BufferedImage region = regions.get(s);
                for (int column = span[0]; column < span[1]; column++) {
                    if (!candidates[offset + (row - firstRow) * columns + column]) {
                        continue;
                    }
                    int x = column * tileSide - span[0] * tileSide;
                    int y = row * tileSide - top;
                    if (!tissue.isTissue(region, x, y, tileSide, tileSide)) {
                        continue;
                    }
                    if (tileSide == modelSide) {
                        preprocessor.patch(region, x, y, batch.values, batch.count);
                        batch.qcFlags[batch.count] = SlideQc.check(region, x, y, modelSide);
                    } else {
                        BufferedImage tile = TileResampler.resample(region, x, y, tileSide, modelSide);
                        preprocessor.patch(tile, 0, 0, batch.values, batch.count);
                        batch.qcFlags[batch.count] = SlideQc.check(tile, 0, 0, modelSide);
                    }
                    batch = add(batch, row * columns + column);
                }
            }
            noteProgress(row + 1);
        }
        return batch;
    }

    /**
     * As {@link #feedGroup} from a smaller pyramid level: the group's columns are read in level pixels and each tile
     * (a fractional number of level pixels when the downsample does not divide the tile side) is averaged down to the
     * model's patch from there.
     */
    private Batch feedGroupFromLevel(int firstRow, int rowCount, boolean[] candidates, int offset, Batch batch)
            throws InterruptedException {
        ImageInfo info = reader.info();
        double d = level.downsample();
        double side = tileSide / d;
        int top = firstRow * tileSide;
        int bottom = Math.min((firstRow + rowCount) * tileSide, info.height());
        int levelTop = (int) Math.floor(top / d);
        int levelBottom = Math.min(level.height(), (int) Math.ceil(bottom / d));
        List<int[]> spans = spans(candidates, offset, rowCount);
        List<BufferedImage> regions = new ArrayList<>(spans.size());
        List<Integer> lefts = new ArrayList<>(spans.size());
        for (int[] span : spans) {
            int levelLeft = (int) Math.floor(span[0] * tileSide / d);
            int levelRight = Math.min(level.width(), (int) Math.ceil(Math.min(span[1] * tileSide, info.width()) / d));
            lefts.add(levelLeft);
            regions.add(reader.readLevelRegion(level.index(), new Rectangle(levelLeft, levelTop,
                    Math.max(1, levelRight - levelLeft), Math.max(1, levelBottom - levelTop)), 1));
        }
        int approxSide = Math.max(1, (int) Math.round(side));
        for (int row = firstRow; row < firstRow + rowCount && !cancelled; row++) {
            for (int s = 0; s < spans.size(); s++) {
                int[] span = spans.get(s);
                BufferedImage region = regions.get(s);
                for (int column = span[0]; column < span[1]; column++) {
                    if (!candidates[offset + (row - firstRow) * columns + column]) {
                        continue;
                    }
                    double x = column * tileSide / d - lefts.get(s);
                    double y = row * tileSide / d - levelTop;
                    if (!tissue.isTissue(region, (int) Math.round(x), (int) Math.round(y), approxSide, approxSide)) {
                        continue;
                    }
                    BufferedImage tile = TileResampler.resample(region, x, y, side, modelSide);
                    preprocessor.patch(tile, 0, 0, batch.values, batch.count);
                    batch.qcFlags[batch.count] = SlideQc.check(tile, 0, 0, modelSide);
                    batch = add(batch, row * columns + column);
                }
            }
            noteProgress(row + 1);
        }
        return batch;
    }

    /** Records the patch just written as grid cell {@code cell}; hands the batch over when full. */
    private Batch add(Batch batch, int cell) throws InterruptedException {
        batch.cells[batch.count++] = cell;
        if (batch.count == batchSize) {
            hand(batch);
            return newBatch();
        }
        return batch;
    }

    /**
     * Tells the model's side how far decoding got, when there is room: progress is never worth waiting for (a
     * dropped note is made up by {@link #rowsDone()} after the next batch).
     */
    private void noteProgress(int rows) {
        rowsDone = rows;
        ready.offer(new Batch(rows));
    }

    /**
     * Runs of columns holding a candidate in any row of the group, as {@code [from, to)}; runs closer than a typical
     * stored block (512 pixels) are joined, since decoding the block between them costs no more than decoding it
     * twice.
     */
    private List<int[]> spans(boolean[] candidates, int offset, int rowCount) {
        boolean[] used = new boolean[columns];
        for (int r = 0; r < rowCount; r++) {
            for (int c = 0; c < columns; c++) {
                used[c] |= candidates[offset + r * columns + c];
            }
        }
        int join = Math.max(1, (512 + tileSide - 1) / tileSide);
        List<int[]> spans = new ArrayList<>();
        for (int c = 0; c < columns; c++) {
            if (!used[c]) {
                continue;
            }
            if (!spans.isEmpty() && c - spans.get(spans.size() - 1)[1] < join) {
                spans.get(spans.size() - 1)[1] = c + 1;
            } else {
                spans.add(new int[] {c, c + 1});
            }
        }
        return spans;
    }

    /** Hands a batch to the model's side; the wait while the model is behind is not decoding time. */
    private void hand(Batch batch) throws InterruptedException {
        long waiting = System.nanoTime();
        while (!cancelled && !ready.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            // the model is behind: wait for room
        }
        waitNanos += System.nanoTime() - waiting;
    }

    private void handQuietly(Batch batch) {
        try {
            while (!ready.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (cancelled) {
                    ready.clear();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Batch newBatch() {
        return new Batch(new float[batchSize * preprocessor.valuesPerPatch()], new int[batchSize]);
    }

    private static boolean[] allTrue(int n) {
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        return all;
    }
}
