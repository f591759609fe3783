package org.histoscope.images;

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
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;

/** An image file opened with the right ImageIO reader after its header passed all limits. */
final class OpenedImage implements RegionReader {

    /** A TIFF with more pages than this is refused rather than walked (IFD chains can be made endless). */
    static final int MAX_PAGES = 256;

    private final ImageInputStream stream;
    private final ImageReader reader;
    private final ImageInfo info;
    private final ImageLimits limits;
    /** Width and height of every page (TIFF pyramids), for previews from a smaller level. */
    private final int[][] pageSizes;
    private final DecodeCost cost;
    /** TIFF only: compression and sample layout, named in messages about pixels that do not decode. */
    private String layout;
    /** Warnings the decoder gave; JPEG decoders report corrupt entropy-coded data only this way. */
    private int decodeWarnings;
    /** Decoded bytes spent so far through this opened image, counted against the decode budget. */
    private long decodedBytes;

    private OpenedImage(ImageInputStream stream, ImageReader reader, ImageInfo info, ImageLimits limits,
                        int[][] pageSizes, DecodeCost cost) {
        this.stream = stream;
        this.reader = reader;
        this.info = info;
        this.limits = limits;
        this.pageSizes = pageSizes;
        this.cost = cost;
    }

    static OpenedImage open(Path file, ImageFormat format, long fileSize, ImageLimits limits) {
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
                : new ImageRejectedException(UNSUPPORTED_FORMAT, "No decoder is available for " + format + " images.");
    }

    private static OpenedImage open(Path file, ImageFormat format, long fileSize, ImageLimits limits,
                                    ImageReader reader) {
        ImageInputStream stream = null;
        try {
            stream = ImageIO.createImageInputStream(file.toFile());
            reader.setInput(stream, false, format == ImageFormat.PNG || format == ImageFormat.BMP);
            int pages = format == ImageFormat.TIFF ? countPages(reader) : 1;
            int page = largestPage(reader, pages);
            int width = reader.getWidth(page);
            int height = reader.getHeight(page);
            checkDimensions(width, height, limits);
            ImageTypeSpecifier type = imageType(reader, page);
            int bits = type.getSampleModel().getSampleSize(0);
            int samples = type.getSampleModel().getNumBands();
            OptionalDouble microns = OptionalDouble.empty();
            TiffHeaderFacts facts = null;
            if (format == ImageFormat.TIFF) {
                IIOMetadata metadata = reader.getImageMetadata(page);
                facts = TiffHeaderFacts.of(metadata);
                facts.checkDataWithin(fileSize);
                microns = facts.micronsPerPixel();
            }
            DecodeCost cost = DecodeCost.of(format, width, height, bits, samples, facts);
            cost.checkHeader(format, fileSize, limits);
            ImageInfo info = new ImageInfo(format, width, height, pages, page, bits, samples, microns, fileSize);
            int[][] sizes = new int[pages][];
            for (int p = 0; p < pages; p++) {
                sizes[p] = new int[] {reader.getWidth(p), reader.getHeight(p)};
            }
            OpenedImage opened = new OpenedImage(stream, reader, info, limits, sizes, cost);
            opened.layout = facts == null ? null : facts.describeLayout();
            reader.addIIOReadWarningListener((source, warning) -> opened.decodeWarnings++);
            return opened;
        } catch (ImageRejectedException e) {
            closeQuietly(stream, reader);
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            closeQuietly(stream, reader);
            throw new ImageRejectedException(CORRUPT,
                    "The " + format + " file is damaged or not a valid image (its header could not be read).", e);
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
                    "The TIFF file has more than " + MAX_PAGES + " pages; such files are not supported.");
        }
        return pages;
    }

    /** The largest page by pixel count, the first on a tie: the full-resolution level of pyramid TIFFs. */
    private static int largestPage(ImageReader reader, int pages) throws IOException {
        int best = 0;
        long bestPixels = -1;
        for (int page = 0; page < pages; page++) {
            long pixels = (long) reader.getWidth(page) * reader.getHeight(page);
            if (pixels > bestPixels) {
                best = page;
                bestPixels = pixels;
            }
        }
        return best;
    }

    private static ImageTypeSpecifier imageType(ImageReader reader, int page) throws IOException {
        ImageTypeSpecifier raw = reader.getRawImageType(page);
        if (raw != null) {
            return raw;
        }
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(page);
        if (!types.hasNext()) {
            throw new ImageRejectedException(UNSUPPORTED_FORMAT, "This image's pixel layout is not supported.");
        }
        return types.next();
    }

    static void checkDimensions(long width, long height, ImageLimits limits) {
        if (width <= 0 || height <= 0) {
            throw new ImageRejectedException(BAD_DIMENSIONS,
                    "The image declares invalid dimensions (" + width + " x " + height + " pixels).");
        }
        if (width * height > limits.maxPixels()) {
            throw new ImageRejectedException(TOO_MANY_PIXELS, String.format(
                    "The image has %,d pixels (%d x %d); at most %,d are accepted.",
                    width * height, width, height, limits.maxPixels()));
        }
        if (width > limits.maxSide() || height > limits.maxSide()) {
            throw new ImageRejectedException(BAD_DIMENSIONS, "The image is " + width + " x " + height
                    + " pixels; each side may be at most " + limits.maxSide() + " pixels.");
        }
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public BufferedImage readRegion(Rectangle requested, int subsampling) {
        if (subsampling < 1) {
            throw new IllegalArgumentException("subsampling must be >= 1");
        }
        Rectangle region = requested.intersection(new Rectangle(0, 0, info.width(), info.height()));
        if (region.isEmpty()) {
            throw new IllegalArgumentException("Region " + requested + " is outside the image");
        }
        long outputPixels = (long) ceilDiv(region.width, subsampling) * ceilDiv(region.height, subsampling);
        if (outputPixels > limits.maxFullDecodePixels()) {
            throw new ImageRejectedException(TOO_MANY_PIXELS, String.format(
                    "A region of %,d pixels was requested; at most %,d are decoded at once.",
                    outputPixels, limits.maxFullDecodePixels()));
        }
        charge(cost.of(region));
        try {
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceRegion(region);
            param.setSourceSubsampling(subsampling, subsampling, 0, 0);
            int warningsBefore = decodeWarnings;
            BufferedImage decoded = reader.read(info.pageIndex(), param);
            if (info.format() == ImageFormat.JPEG && decodeWarnings > warningsBefore) {
                // the decoder filled what it could not read with grey: a prediction on it would be meaningless
                throw new ImageRejectedException(CORRUPT,
                        "The JPEG image is damaged: part of its pixel data is corrupt and could not be decoded.");
            }
            return RgbConversion.toRgb(decoded);
        } catch (ImageRejectedException e) {
            throw e;
        } catch (IOException | RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new ImageRejectedException(CORRUPT, "The " + info.format() + " image is damaged"
                    + (layout == null ? "" : " or stores its pixels in a way that is not supported (" + layout + ")")
                    + ": its pixel data could not be decoded.", e);
        }
    }

    @Override
    public BufferedImage preview(int maxSide) {
        int subsampling = Math.max(1, ceilDiv(Math.max(info.width(), info.height()), maxSide));
        int width = ceilDiv(info.width(), subsampling);
        int height = ceilDiv(info.height(), subsampling);
        int level = smallestLevelCovering(width, height);
        if (level == info.pageIndex()) {
            return readRegion(new Rectangle(0, 0, info.width(), info.height()), subsampling);
        }
        int[] size = pageSizes[level];
        charge((long) size[0] * size[1] * Math.max(1, info.samplesPerPixel())
                * Math.max(1, (info.bitsPerSample() + 7) / 8));
        try {
            int levelSubsampling = Math.max(1, Math.min(size[0] / width, size[1] / height));
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(levelSubsampling, levelSubsampling, 0, 0);
            BufferedImage decoded = RgbConversion.toRgb(reader.read(level, param));
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
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            throw new ImageRejectedException(CORRUPT,
                    "The " + info.format() + " image is damaged: its pixel data could not be decoded.", e);
        }
    }

    @Override
    public long decodeCost(Rectangle requested) {
        Rectangle region = requested.intersection(new Rectangle(0, 0, info.width(), info.height()));
        return region.isEmpty() ? 0 : cost.of(region);
    }

    @Override
    public long decodeBudgetLeft() {
        return budget() - decodedBytes;
    }

    private long budget() {
        return limits.decodeBudgetFor(cost.declaredBytes());
    }

    /** Counts decoding work before it is done, refusing what would exceed the budget of this opened image. */
    private void charge(long bytes) {
        if (bytes > decodeBudgetLeft()) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE,
                    cost.overBudget(info.format(), decodedBytes, bytes, budget()));
        }
        decodedBytes += bytes;
    }

    /**
     * The smallest page with the used page's aspect ratio (within 1 %, so label and overview images of slide scanners
     * are not taken for pyramid levels) that is at least {@code width} x {@code height}.
     */
    private int smallestLevelCovering(int width, int height) {
        int best = info.pageIndex();
        double aspect = (double) info.width() / info.height();
        for (int page = 0; page < pageSizes.length; page++) {
            int[] size = pageSizes[page];
            boolean sameAspect = Math.abs((double) size[0] / size[1] - aspect) <= 0.01 * aspect;
            boolean largeEnough = size[0] >= width && size[1] >= height;
            boolean smaller = (long) size[0] * size[1] < (long) pageSizes[best][0] * pageSizes[best][1];
            if (sameAspect && largeEnough && smaller) {
                best = page;
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
