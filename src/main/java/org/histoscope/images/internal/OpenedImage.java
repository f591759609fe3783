package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.BAD_DIMENSIONS;
import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_MANY_PIXELS;
import static org.histoscope.images.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalDouble;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageLimits;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SlideLevel;

/** An image file opened with the right ImageIO reader after its header passed all limits. */
public final class OpenedImage implements RegionReader {

    /** A TIFF with more pages than this is refused rather than walked (IFD chains can be made endless). */
    public static final int MAX_PAGES = 256;

    private final ImageInputStream stream;
    private final ImageReader reader;
    private final ImageInfo info;
    private final ImageLimits limits;
    /** The used page and its smaller pyramid pages, largest first (see {@link SlideLevel}). */
    private final List<SlideLevel> levels;
    /** The TIFF page of each level. */
    private final int[] levelPages;
    /** Per level: the JPEG 2000 tile reader when the level's tiles are JPEG 2000 codestreams, else null. */
    private final Jpeg2000Tiles[] jpeg2000;
    /** Per level, tiled TIFF only: reads many-block subsampled regions decoding each repeated block once. */
    private final RepeatedBlocks[] repeated;
    /** Per level, tiled TIFF pages TwelveMonkeys reads only: regions cut from full-width bands, else null. */
    private final TiledBands[] bands;
    /** Per level: what decoding its regions costs, from how that page stores its pixels. */
    private final DecodeCost[] costs;
    /** Per level, TIFF only: compression and sample layout, named in messages about pixels that do not decode. */
    private final String[] layouts;
    /** Warnings the decoder gave; JPEG decoders report corrupt entropy-coded data only this way. */
    private int decodeWarnings;
    /** Decoded bytes spent so far through this opened image, on any level, counted against the decode budget. */
    private long decodedBytes;

    private OpenedImage(ImageInputStream stream, ImageReader reader, ImageInfo info, ImageLimits limits,
                        List<SlideLevel> levels, int[] levelPages, Jpeg2000Tiles[] jpeg2000,
                        RepeatedBlocks[] repeated, TiledBands[] bands, DecodeCost[] costs, String[] layouts) {
        this.stream = stream;
        this.reader = reader;
        this.info = info;
        this.limits = limits;
        this.levels = List.copyOf(levels);
        this.levelPages = levelPages;
        this.jpeg2000 = jpeg2000;
        this.repeated = repeated;
        this.bands = bands;
        this.costs = costs;
        this.layouts = layouts;
    }

    public static OpenedImage open(Path file, ImageFormat format, long fileSize, ImageLimits limits) {
        List<ImageReader> candidates = readersFor(format);
        RuntimeException firstFailure = null;
        for (ImageReader reader : candidates) {
            try {
                return open(file, format, fileSize, limits, reader);
            } catch (ImageRejectedException e) {
                if (e.reason() != CORRUPT) {
                    throw e;
                }
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        throw firstFailure != null ? firstFailure
                : new ImageRejectedException(UNSUPPORTED_FORMAT, PeopleText.of("refusal.images.decoder-available-images", String.valueOf(format)));
    }

    private static OpenedImage open(Path file, ImageFormat format, long fileSize, ImageLimits limits,
                                    ImageReader reader) {
        ImageInputStream stream = null;
        try {
            stream = ImageIO.createImageInputStream(file.toFile());
            reader.setInput(stream, false, format == ImageFormat.PNG || format == ImageFormat.BMP);
            int pages = format == ImageFormat.TIFF ? countPages(reader) : 1;
            TiffHeaderFacts[] facts = new TiffHeaderFacts[pages];
            boolean[] associated = new boolean[pages];
            if (format == ImageFormat.TIFF) {
                for (int p = 0; p < pages; p++) {
                    facts[p] = TiffHeaderFacts.of(reader.getImageMetadata(p));
                    associated[p] = isAssociatedImage(facts[p]);
                }
            }
            int page = largestPage(reader, pages, associated);
            int width = reader.getWidth(page);
            int height = reader.getHeight(page);
            if (facts[page] != null && facts[page].isTiled()) {
                checkTiledDimensions(width, height, limits);
            } else {
                checkDimensions(width, height, limits);
            }
            ImageTypeSpecifier type = imageType(reader, page);
            int bits = type.getSampleModel().getSampleSize(0);
            int samples = type.getSampleModel().getNumBands();
            List<Integer> pyramid = pyramidPages(reader, pages, page, associated);
            OptionalDouble microns = OptionalDouble.empty();
            Jpeg2000Tiles[] jpeg2000 = new Jpeg2000Tiles[pyramid.size()];
            RepeatedBlocks[] repeated = new RepeatedBlocks[pyramid.size()];
            TiledBands[] bands = new TiledBands[pyramid.size()];
            if (format == ImageFormat.TIFF) {
                // every page is checked, not only the used one: a forged level would be read by the viewer
                for (TiffHeaderFacts pageFacts : facts) {
                    pageFacts.checkDataWithin(fileSize);
                    pageFacts.checkLayoutMatchesSize();
                }
                microns = facts[page].micronsPerPixel();
                if (microns.isEmpty() && page != 0) {
                    microns = facts[0].micronsPerPixel();
                }
                for (int level = 0; level < pyramid.size(); level++) {
                    int levelPage = pyramid.get(level);
                    if (Jpeg2000Tiles.isJpeg2000(facts[levelPage].compression())) {
                        jpeg2000[level] = new Jpeg2000Tiles(file, reader.getWidth(levelPage),
                                reader.getHeight(levelPage), facts[levelPage]);
                    } else {
                        repeated[level] = RepeatedBlocks.forPage(file, reader.getWidth(levelPage),
                                reader.getHeight(levelPage), facts[levelPage]);
                    }
                    if (TiledBands.needed(reader, facts[levelPage])) {
                        bands[level] = new TiledBands(reader, levelPage, reader.getWidth(levelPage),
                                reader.getHeight(levelPage), facts[levelPage].tileLength(), limits.maxFullDecodePixels());
                    }
                }
            }
            ImageInfo info = new ImageInfo(format, width, height, pages, page, bits, samples, microns, fileSize);
            List<SlideLevel> levels = new ArrayList<>();
            int[] levelPages = new int[pyramid.size()];
            DecodeCost[] costs = new DecodeCost[pyramid.size()];
            String[] layouts = new String[pyramid.size()];
            for (int level = 0; level < pyramid.size(); level++) {
                int levelPage = pyramid.get(level);
                levelPages[level] = levelPage;
                int levelWidth = reader.getWidth(levelPage);
                int levelHeight = reader.getHeight(levelPage);
                levels.add(new SlideLevel(level, levelWidth, levelHeight, (double) width / levelWidth));
                // every level is checked: the viewer decodes the smaller ones, and a level stored in one huge strip
                // would exhaust the heap there just as on the full-resolution page
                costs[level] = DecodeCost.of(format, levelWidth, levelHeight, bits, samples, facts[levelPage]);
                costs[level].checkHeader(format, fileSize, limits);
                layouts[level] = facts[levelPage] == null ? null : facts[levelPage].describeLayout();
            }
            OpenedImage opened = new OpenedImage(stream, reader, info, limits, levels, levelPages, jpeg2000,
                    repeated, bands, costs, layouts);
            reader.addIIOReadWarningListener((source, warning) -> {
                if (!isAboutColourConversionOnly(warning)) {
                    opened.decodeWarnings++;
                }
            });
            return opened;
        } catch (ImageRejectedException e) {
            closeQuietly(stream, reader);
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            closeQuietly(stream, reader);
            throw new ImageRejectedException(CORRUPT,
                    PeopleText.of("refusal.images.file-damaged-valid-image-header", String.valueOf(format)), e);
        }
    }

    /**
     * Readers to try, best first. TIFF: the JDK reader first, because TwelveMonkeys 3.12 mis-reads source regions and
     * subsampling of tiled TIFFs; TwelveMonkeys second for variants the JDK lacks (old-style JPEG...). JPEG:
     * TwelveMonkeys first (CMYK, YCbCr, broken-but-common files). PNG and BMP: the JDK.
     */
    private static List<ImageReader> readersFor(ImageFormat format) {
        List<ImageReader> jdk = new ArrayList<>();
        List<ImageReader> twelveMonkeys = new ArrayList<>();
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.name().toLowerCase());
        while (readers.hasNext()) {
            ImageReader candidate = readers.next();
            String name = candidate.getClass().getName();
            if (name.startsWith("com.twelvemonkeys")) {
                twelveMonkeys.add(candidate);
            } else if (name.startsWith("com.sun.imageio")) {
                jdk.add(candidate);
            }
        }
        List<ImageReader> ordered = new ArrayList<>();
        if (format == ImageFormat.JPEG) {
            ordered.addAll(twelveMonkeys);
            ordered.addAll(jdk);
        } else {
            ordered.addAll(jdk);
            ordered.addAll(twelveMonkeys);
        }
        return ordered;
    }

    private static int countPages(ImageReader reader) throws IOException {
        int pages = 0;
        // Walk page by page so that a looping or endless IFD chain stops at MAX_PAGES
        while (pages <= MAX_PAGES) {
            try {
                reader.getWidth(pages);
            } catch (IndexOutOfBoundsException end) {
                break;
            }
            pages++;
        }
        if (pages == 0) {
            throw new IOException("no image in file");
        }
        if (pages > MAX_PAGES) {
            throw new ImageRejectedException(UNSUPPORTED_FORMAT,
                    PeopleText.of("refusal.images.tiff-file-more-than-pages", String.valueOf(MAX_PAGES)));
        }
        return pages;
    }

    /**
     * The largest page by pixel count that is not a label, macro or overview picture, the first on a tie: the
     * full-resolution level of pyramid TIFFs and slide scanner files.
     */
    private static int largestPage(ImageReader reader, int pages, boolean[] associated) throws IOException {
        int best = -1;
        long bestPixels = -1;
        for (int page = 0; page < pages; page++) {
            if (associated[page]) {
                continue;
            }
            long pixels = (long) reader.getWidth(page) * reader.getHeight(page);
            if (pixels > bestPixels) {
                best = page;
                bestPixels = pixels;
            }
        }
        if (best < 0) {
            throw new ImageRejectedException(UNSUPPORTED_FORMAT,
                    PeopleText.of("refusal.images.file-holds-label-macro-pictures"));
        }
        return best;
    }

    /**
     * Slide scanners store the slide label and a macro (overview) photograph as extra pages; Aperio names them on the
     * second line of the ImageDescription ("label 415x422", "macro 1280x431"), other writers in the whole text.
     * They are not tissue and must never be tiled or shown as a pyramid level.
     */
    static boolean isAssociatedImage(TiffHeaderFacts facts) {
        String description = facts.description();
        if (description.length() > 4096) {
            return false; // OME-XML and the like describe the image, they are not a one-word label
        }
        for (String line : description.split("[\\r\\n|]+")) {
            String word = line.strip().toLowerCase(java.util.Locale.ROOT).split("\\s+", 2)[0];
            if (word.equals("label") || word.equals("macro") || word.equals("overview")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The used page followed by the file's smaller pages of the same aspect ratio (within 2 %, or one pixel of
     * rounding), largest first: the pyramid levels. Associated images and other series are left out.
     */
    private static List<Integer> pyramidPages(ImageReader reader, int pages, int main, boolean[] associated)
            throws IOException {
        int mainWidth = reader.getWidth(main);
        int mainHeight = reader.getHeight(main);
        List<int[]> smaller = new ArrayList<>();
        for (int page = 0; page < pages; page++) {
            int w = reader.getWidth(page);
            int h = reader.getHeight(page);
            if (page == main || associated[page] || w >= mainWidth || h >= mainHeight || w < 1 || h < 1) {
                continue;
            }
            double expectedHeight = (double) mainHeight * w / mainWidth;
            if (Math.abs(h - expectedHeight) <= Math.max(1.0, 0.02 * expectedHeight)) {
                smaller.add(new int[] {page, w});
            }
        }
        smaller.sort((a, b) -> Integer.compare(b[1], a[1]));
        List<Integer> levels = new ArrayList<>();
        levels.add(main);
        int lastWidth = mainWidth;
        for (int[] candidate : smaller) {
            if (candidate[1] < lastWidth) {
                levels.add(candidate[0]);
                lastWidth = candidate[1];
            }
        }
        return levels;
    }

    private static ImageTypeSpecifier imageType(ImageReader reader, int page) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(page);
        if (raw != null) {
            return raw;
        }
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(page);
        if (!types.hasNext()) {
            throw new ImageRejectedException(UNSUPPORTED_FORMAT, PeopleText.of("refusal.images.image-s-pixel-layout-supported"));
        }
        return types.next();
    }

    /** A tiled TIFF page is only read tile by tile (its cost bounded by the decode budget): a whole slide's limits. */
    static void checkTiledDimensions(long width, long height, ImageLimits limits) {
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(BAD_DIMENSIONS,
                    PeopleText.of("refusal.images.image-declares-invalid-dimensions-x", String.valueOf(width), String.valueOf(height)));
        }
        if (width * height > limits.maxTiledPixels()) {
            throw new ImageRejectedException(TOO_MANY_PIXELS, PeopleText.of(
                    "refusal.images.slide-too-many-pixels", width * height, String.valueOf(width),
                    String.valueOf(height), limits.maxTiledPixels()));
        }
        if (width > limits.maxTiledSide() || height > limits.maxTiledSide()) {
            throw new ImageRejectedException(BAD_DIMENSIONS, PeopleText.of("refusal.images.slide-x-pixels-each-side", String.valueOf(width), String.valueOf(height), String.valueOf(limits.maxTiledSide())));
        }
    }

    public static void checkDimensions(long width, long height, ImageLimits limits) {
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(BAD_DIMENSIONS,
                    PeopleText.of("refusal.images.image-declares-invalid-dimensions-x", String.valueOf(width), String.valueOf(height)));
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageRejectedException(TOO_MANY_PIXELS, PeopleText.of(
                    "refusal.images.image-too-many-pixels", width * height, String.valueOf(width),
                    String.valueOf(height), limits.maxPixels()));
        }
        if (width > limits.maxSide() || height > limits.maxSide()) {
            throw new ImageRejectedException(BAD_DIMENSIONS, PeopleText.of("refusal.images.image-x-pixels-each-side", String.valueOf(width), String.valueOf(height), String.valueOf(limits.maxSide())));
        }
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public List<SlideLevel> levels() {
        return levels;
    }

    @Override
    public BufferedImage readRegion(Rectangle requested, int subsampling) {
        return readLevelRegion(0, requested, subsampling);
    }

    @Override
    public BufferedImage readLevelRegion(int level, Rectangle requested, int subsampling) {
        if (subsampling < 1) {
            throw new IllegalArgumentException("subsampling must be >= 1");
        }
        SlideLevel size = levels.get(level);
        Rectangle region = requested.intersection(new Rectangle(0, 0, size.width(), size.height()));
        if (region.isEmpty()) {
            throw new IllegalArgumentException("Region " + requested + " is outside level " + level);
        }
        long outputPixels = (long) ceilDiv(region.width, subsampling) * ceilDiv(region.height, subsampling);
        if (outputPixels > limits.maxFullDecodePixels()) {
            throw new ImageRejectedException(TOO_MANY_PIXELS, PeopleText.of(
                    "refusal.images.region-too-large", outputPixels, limits.maxFullDecodePixels()));
        }
        charge(costs[level], costs[level].of(region));
        try {
            if (jpeg2000[level] != null) {
                return jpeg2000[level].read(region, subsampling);
            }
            if (repeated[level] != null && repeated[level].pays(region, subsampling)) {
                return repeated[level].read(region, subsampling,
                        (part, s) -> decode(level, part, s));
            }
            int warningsBefore = decodeWarnings;
            BufferedImage decoded = decode(level, region, subsampling);
            if (info.format() == ImageFormat.JPEG && decodeWarnings > warningsBefore) {
                // the decoder filled what it could not read with grey: a prediction on it would be meaningless
                throw new ImageRejectedException(CORRUPT,
                        PeopleText.of("refusal.images.jpeg-image-damaged-part-pixel"));
            }
            return RgbConversion.toRgb(decoded);
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            String layout = layouts[level];
            throw new ImageRejectedException(CORRUPT, layout == null
                    ? PeopleText.of("refusal.images.pixel-data-damaged", String.valueOf(info.format()))
                    : PeopleText.of("refusal.images.pixel-data-damaged-or-layout", String.valueOf(info.format()), layout),
                    e);
        }
    }

    /**
     * A CMYK or YCCK JPEG without an embedded ICC profile decodes completely; the decoder only warns that it converts
     * to RGB with a generic profile. That is no damage, unlike the warnings about corrupt entropy-coded data.
     */
    static boolean isAboutColourConversionOnly(String warning) {
        String text = warning == null ? "" : warning.toLowerCase(java.util.Locale.ROOT);
        return text.contains("icc") || text.contains("color profile") || text.contains("colour profile");
    }

    private BufferedImage decode(int level, Rectangle region, int subsampling) throws IOException {
        if (bands[level] != null) {
            return bands[level].read(region, subsampling);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceRegion(region);
        param.setSourceSubsampling(subsampling, subsampling, 0, 0);
        return reader.read(levelPages[level], param);
    }

    /** Blocks decoded and blocks reused through {@link RepeatedBlocks} on a level, for tests and benchmarks. */
    long[] repeatedBlockCounts(int level) {
        RepeatedBlocks blocks = repeated[level];
        return blocks == null ? new long[] {0, 0} : new long[] {blocks.decodedBlocks(), blocks.reusedBlocks()};
    }

    @Override
    public BufferedImage preview(int maxSide) {
        int subsampling = Math.max(1, ceilDiv(Math.max(info.width(), info.height()), maxSide));
        int width = ceilDiv(info.width(), subsampling);
        int height = ceilDiv(info.height(), subsampling);
        int level = smallestLevelCovering(width, height);
        if (level == 0) {
            return readRegion(new Rectangle(0, 0, info.width(), info.height()), subsampling);
        }
        SlideLevel size = levels.get(level);
        int levelSubsampling = Math.max(1, Math.min(size.width() / width, size.height() / height));
        BufferedImage decoded = readLevelRegion(level, new Rectangle(0, 0, size.width(), size.height()),
                levelSubsampling);
        if (decoded.getWidth() == width && decoded.getHeight() == height) {
            return decoded;
        }
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = scaled.createGraphics();
        try {
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(decoded, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return scaled;
    }

    @Override
    public long decodeCost(Rectangle requested) {
        Rectangle region = requested.intersection(new Rectangle(0, 0, info.width(), info.height()));
        return region.isEmpty() ? 0 : costs[0].of(region);
    }

    @Override
    public long decodeBudgetLeft() {
        return budget() - decodedBytes;
    }

    /** One budget for the whole opened image, whichever levels are read, sized by its full-resolution page. */
    private long budget() {
        return limits.decodeBudgetFor(costs[0].declaredBytes());
    }

    /** Counts decoding work before it is done, refusing what would exceed the budget of this opened image. */
    private void charge(DecodeCost levelCost, long bytes) {
        if (bytes > decodeBudgetLeft()) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE,
                    levelCost.overBudget(info.format(), decodedBytes, bytes, budget()));
        }
        decodedBytes += bytes;
    }

    /** The smallest pyramid level that is at least {@code width} x {@code height}. */
    private int smallestLevelCovering(int width, int height) {
        int best = 0;
        for (SlideLevel level : levels) {
            if (level.width() >= width && level.height() >= height) {
                best = level.index();
            }
        }
        return best;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    @Override
    public void close() {
        closeQuietly(stream, reader);
    }

    private static void closeQuietly(ImageInputStream stream, ImageReader reader) {
        if (reader != null) {
            reader.dispose();
        }
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // nothing to recover: the file was only read
            }
        }
    }
}
