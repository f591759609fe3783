package org.histoscope.inference.internal;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.List;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SlideLevel;

/**
 * Finds, before anything is decoded at full resolution, which tiles of a large image may hold tissue, so that only
 * those regions are decoded and tested exactly by the {@link TissueDetector}: on a slide the cost then grows with the
 * tissue, not with the glass around it.
 *
 * <p>Two sources, cheapest first. A pyramid level at least two pixels per tile side: its pixels are averages of the
 * full-resolution pixels (a tile a quarter covered by tissue looks pale there), so a looser colour rule is used
 * ({@link #mayBeTissue}) and the candidates are widened by one tile all round. Without such a level, a thumbnail
 * pass: level 0 read with subsampling, which decodes every block once but converts and tests only a few samples per
 * tile; samples are real full-resolution pixels, so the exact pixel rule applies, and a tile is a candidate when any
 * of its samples is tissue. Screening only ever adds work: a tile that is not a candidate would have been judged
 * background (checked against full decoding in {@code TissueScreenTest}).
 */
public final class TissueScreen {

    /** Samples per tile side in the thumbnail pass. */
    static final int SAMPLES_PER_TILE_SIDE = 5;
    /** Pale enough to be glass on an averaged level: anything more coloured or darker may be tissue. */
    static final double MIN_LEVEL_SATURATION = 0.03;
    static final int LEVEL_DARK_BELOW = 225;

    /** Where the screen looks; {@code level} is 0 for the thumbnail pass. */
    public record Source(int level, double downsample, int subsampling) {
        String describe() {
            return level == 0 ? "thumbnail pass (every " + subsampling + "th pixel)"
                    : String.format(java.util.Locale.ROOT, "pyramid level %d (1/%.0f)", level, downsample);
        }
    }

    private final RegionReader reader;
    private final int tileSide;
    private final int columns;
    private final int rows;
    private final Source source;

    public TissueScreen(RegionReader reader, int tileSide, int columns, int rows) {
        this.reader = reader;
        this.tileSide = tileSide;
        this.columns = columns;
        this.rows = rows;
        this.source = chooseSource(reader.levels(), tileSide);
    }

    public Source source() {
        return source;
    }

    /** The smallest pyramid level with at least two pixels per tile side, else a thumbnail pass on level 0. */
    static Source chooseSource(List<SlideLevel> levels, int tileSide) {
        SlideLevel best = null;
        for (SlideLevel level : levels) {
            if (level.index() > 0 && level.downsample() >= 2 && level.downsample() <= tileSide / 2.0
                    && (best == null || level.downsample() > best.downsample())) {
                best = level;
            }
        }
        return best != null ? new Source(best.index(), best.downsample(), 1)
                : new Source(0, 1, Math.max(1, tileSide / SAMPLES_PER_TILE_SIDE));
    }

    /**
     * Candidate tiles of tile rows {@code [firstRow, firstRow + rowCount)}, indexed {@code (row - firstRow) * columns
     * + column}. On a pyramid level the rows around the band are read too, so widening crosses band edges.
     */
    public boolean[] candidates(int firstRow, int rowCount) {
        boolean[] marked = new boolean[rowCount * columns];
        if (source.level() == 0) {
            markFromSamples(firstRow, rowCount, marked);
            return marked;
        }
        int from = Math.max(0, firstRow - 1);
        int to = Math.min(rows, firstRow + rowCount + 1);
        boolean[] wide = new boolean[(to - from) * columns];
        markFromLevel(from, to - from, wide);
        for (int row = firstRow; row < firstRow + rowCount; row++) {
            for (int column = 0; column < columns; column++) {
                marked[(row - firstRow) * columns + column] = anyNeighbour(wide, from, to, row, column);
            }
        }
        return marked;
    }

    private void markFromSamples(int firstRow, int rowCount, boolean[] marked) {
        ImageInfo info = reader.info();
        int top = firstRow * tileSide;
        int height = Math.min(rowCount * tileSide, info.height() - top);
        int s = source.subsampling();
        BufferedImage thumbnail = reader.readRegion(new Rectangle(0, top, info.width(), height), s);
        int[] pixels = ((DataBufferInt) thumbnail.getRaster().getDataBuffer()).getData();
        int width = thumbnail.getWidth();
        for (int y = 0; y < thumbnail.getHeight(); y++) {
            int row = (y * s) / tileSide;
            for (int x = 0; x < width; x++) {
                if (TissueDetector.isTissuePixel(pixels[y * width + x])) {
                    marked[row * columns + (x * s) / tileSide] = true;
                }
            }
        }
    }

    private void markFromLevel(int firstRow, int rowCount, boolean[] marked) {
        SlideLevel level = reader.levels().get(source.level());
        double d = level.downsample();
        int top = (int) Math.floor(firstRow * tileSide / d);
        int bottom = Math.min(level.height(), (int) Math.ceil((firstRow + rowCount) * tileSide / d));
        if (bottom <= top) {
            return;
        }
        BufferedImage part = reader.readLevelRegion(source.level(), new Rectangle(0, top, level.width(), bottom - top), 1);
        int[] pixels = ((DataBufferInt) part.getRaster().getDataBuffer()).getData();
        int width = part.getWidth();
        for (int y = 0; y < part.getHeight(); y++) {
            // the level pixel covers full-resolution rows [ (top+y)*d, (top+y+1)*d ): mark every tile it touches
            int rowFrom = (int) Math.floor((top + y) * d / tileSide) - firstRow;
            int rowTo = (int) Math.ceil((top + y + 1) * d / tileSide) - firstRow;
            for (int x = 0; x < width; x++) {
                if (!mayBeTissue(pixels[y * width + x])) {
                    continue;
                }
                int columnFrom = (int) Math.floor(x * d / tileSide);
                int columnTo = Math.min(columns, (int) Math.ceil((x + 1) * d / tileSide));
                for (int row = Math.max(0, rowFrom); row < Math.min(rowCount, rowTo); row++) {
                    for (int column = columnFrom; column < columnTo; column++) {
                        marked[row * columns + column] = true;
                    }
                }
            }
        }
    }

    private boolean anyNeighbour(boolean[] wide, int from, int to, int row, int column) {
        for (int r = Math.max(from, row - 1); r <= Math.min(to - 1, row + 1); r++) {
            for (int c = Math.max(0, column - 1); c <= Math.min(columns - 1, column + 1); c++) {
                if (wide[(r - from) * columns + c]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The pixel rule for averaged levels: not near black, and either a little coloured or darker than glass. */
    static boolean mayBeTissue(int rgb) {
        int max = TissueDetector.maxChannel(rgb);
        int min = TissueDetector.minChannel(rgb);
        return max >= TissueDetector.BLACK_BELOW && (max < LEVEL_DARK_BELOW || max - min >= MIN_LEVEL_SATURATION * max);
    }
}
