package org.histoscope.images.internal;

import org.histoscope.platform.PeopleText;
import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.histoscope.images.ImageRejectedException;

/** Facts from a TIFF page's tags, read from the native metadata tree without decoding pixels. */
final class TiffHeaderFacts {

    private static final int IMAGE_WIDTH = 256;
    private static final int IMAGE_LENGTH = 257;
    private static final int COMPRESSION = 259;
    private static final int IMAGE_DESCRIPTION = 270;
    private static final int STRIP_OFFSETS = 273;
    private static final int SAMPLES_PER_PIXEL = 277;
    private static final int ROWS_PER_STRIP = 278;
    private static final int PLANAR_CONFIGURATION = 284;
    private static final int TILE_WIDTH = 322;
    private static final int TILE_LENGTH = 323;
    private static final int STRIP_BYTE_COUNTS = 279;
    private static final int X_RESOLUTION = 282;
    private static final int RESOLUTION_UNIT = 296;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_BYTE_COUNTS = 325;
    private static final int UNIT_INCH = 2;
    private static final int UNIT_CENTIMETRE = 3;

    /**
     * Resolution tags outside this range are ignored: many writers put a meaningless 1 or 72 dpi there, while
     * microscope scans are between about 0.1 µm/px (100x) and 20 µm/px (low-power overviews).
     */
    private static final double MIN_PLAUSIBLE_MICRONS = 0.05;
    private static final double MAX_PLAUSIBLE_MICRONS = 50;

    private final Node root;

    private TiffHeaderFacts(Node root) {
        this.root = root;
    }

    static TiffHeaderFacts of(IIOMetadata metadata) {
        // Both the JDK's and TwelveMonkeys' native TIFF trees have the layout TIFFIFD/TIFFField[@number]/.../@value
        Node root = metadata == null || metadata.getNativeMetadataFormatName() == null ? null
                : metadata.getAsTree(metadata.getNativeMetadataFormatName());
        return new TiffHeaderFacts(root);
    }

    /** Strips or tiles pointing past the end of the file mean a truncated or forged file. */
    void checkDataWithin(long fileSize) {
        List<Double> offsets = values(STRIP_OFFSETS);
        List<Double> counts = values(STRIP_BYTE_COUNTS);
        if (offsets.isEmpty()) {
            offsets = values(TILE_OFFSETS);
            counts = values(TILE_BYTE_COUNTS);
        }
        for (int i = 0; i < Math.min(offsets.size(), counts.size()); i++) {
            if (offsets.get(i) + counts.get(i) > fileSize) {
                throw new ImageRejectedException(CORRUPT,
                        PeopleText.of("refusal.images.tiff-file-truncated-damaged-image"));
            }
        }
    }

    /** For messages: "Deflate compression, 3 samples of 64 bits (unsigned integer)". */
    String describeLayout() {
        List<Double> bits = values(258);
        List<Double> samples = values(277);
        List<Double> format = values(339);
        int code = compression();
        String compression = switch (code) {
            case 1 -> "no compression";
            case 5 -> "LZW compression";
            case 7 -> "JPEG compression";
            case 8, 32946 -> "Deflate compression";
            case 33003, 33005, 34712 -> "JPEG 2000 compression";
            case 32773 -> "PackBits compression";
            default -> "compression scheme " + code;
        };
        String sampleFormat = format.isEmpty() ? "" : switch (format.get(0).intValue()) {
            case 2 -> " (signed integer)";
            case 3 -> " (floating point)";
            default -> "";
        };
        return compression + ", " + (samples.isEmpty() ? 1 : samples.get(0).intValue()) + " sample(s) of "
                + (bits.isEmpty() ? 1 : bits.get(0).intValue()) + " bits" + sampleFormat;
    }

    /**
     * Width and height of the blocks the pixels are stored in: the tiles of a tiled TIFF, else full-width strips of
     * RowsPerStrip rows (the whole height when the tag is missing or larger).
     */
    int[] blockSize(int width, int height) {
        List<Double> tileWidth = values(TILE_WIDTH);
        List<Double> tileLength = values(TILE_LENGTH);
        if (!tileWidth.isEmpty() && !tileLength.isEmpty()) {
            return new int[] {clamp(tileWidth.get(0), 1, Integer.MAX_VALUE), clamp(tileLength.get(0), 1, Integer.MAX_VALUE)};
        }
        List<Double> rows = values(ROWS_PER_STRIP);
        return new int[] {width, rows.isEmpty() ? height : clamp(rows.get(0), 1, height)};
    }

    private static int clamp(double value, int min, int max) {
        return (int) Math.max(min, Math.min(max, value));
    }

    /**
     * Strips or tiles whose count does not match the page's declared size mean a forged or damaged page (a pyramid
     * level that lies about its size): refused before any of its pixels are decoded.
     */
    void checkLayoutMatchesSize() {
        long width = first(IMAGE_WIDTH, 0);
        long height = first(IMAGE_LENGTH, 0);
        long planes = first(PLANAR_CONFIGURATION, 1) == 2 ? first(SAMPLES_PER_PIXEL, 1) : 1;
        long expected;
        int actual;
        if (isTiled()) {
            long tileWidth = first(TILE_WIDTH, 0);
            long tileLength = first(TILE_LENGTH, 0);
            if (tileWidth <= 0 || tileLength <= 0) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.tiff-file-damaged-page-declares"));
            }
            expected = ceilDiv(width, tileWidth) * ceilDiv(height, tileLength) * planes;
            actual = values(TILE_OFFSETS).size();
        } else {
            long rowsPerStrip = Math.min(first(ROWS_PER_STRIP, height), height);
            expected = rowsPerStrip <= 0 ? 1 : ceilDiv(height, rowsPerStrip) * planes;
            actual = values(STRIP_OFFSETS).size();
        }
        if (actual != expected || values(isTiled() ? TILE_BYTE_COUNTS : STRIP_BYTE_COUNTS).size() != actual) {
            throw new ImageRejectedException(CORRUPT, PeopleText.of(
                    "refusal.images.tiff-block-count-mismatch", String.valueOf(width), String.valueOf(height),
                    String.valueOf(actual), String.valueOf(expected)));
        }
    }

    boolean isTiled() {
        return !values(TILE_OFFSETS).isEmpty();
    }

    /** Compression scheme (1 = none); 1 when the tag is missing, as the specification says. */
    int compression() {
        return (int) first(COMPRESSION, 1);
    }

    int tileWidth() {
        return (int) first(TILE_WIDTH, 0);
    }

    int tileLength() {
        return (int) first(TILE_LENGTH, 0);
    }

    /** Offsets and byte counts of the page's tiles, in row-major order; empty for stripped pages. */
    long[][] tileSegments() {
        List<Double> offsets = values(TILE_OFFSETS);
        List<Double> counts = values(TILE_BYTE_COUNTS);
        long[][] segments = new long[2][offsets.size()];
        for (int i = 0; i < offsets.size(); i++) {
            segments[0][i] = offsets.get(i).longValue();
            segments[1][i] = counts.get(i).longValue();
        }
        return segments;
    }

    /** The ImageDescription tag (SVS metadata, OME-XML...), empty string when absent. */
    String description() {
        Node field = field(IMAGE_DESCRIPTION);
        StringBuilder text = new StringBuilder();
        if (field != null) {
            collectText(field, text);
        }
        return text.toString();
    }

    /**
     * The pixel size: Aperio's {@code MPP = } in the ImageDescription first, then OME-XML's PhysicalSizeX, then the
     * TIFF resolution tags (a scanner states the first two on purpose; resolution tags are often a writer's default).
     */
    OptionalDouble micronsPerPixel() {
        OptionalDouble stated = PixelSizeText.micronsPerPixel(description());
        return stated.isPresent() ? stated : micronsFromResolutionTags();
    }

    private OptionalDouble micronsFromResolutionTags() {
        List<Double> resolution = values(X_RESOLUTION);
        List<Double> unit = values(RESOLUTION_UNIT);
        if (resolution.isEmpty() || !(resolution.get(0) > 0)) {
            return OptionalDouble.empty();
        }
        int unitCode = unit.isEmpty() ? UNIT_INCH : unit.get(0).intValue();
        double micronsPerUnit;
        if (unitCode == UNIT_INCH) {
            micronsPerUnit = 25_400;
        } else if (unitCode == UNIT_CENTIMETRE) {
            micronsPerUnit = 10_000;
        } else {
            return OptionalDouble.empty();
        }
        double microns = micronsPerUnit / resolution.get(0);
        if (microns < MIN_PLAUSIBLE_MICRONS || microns > MAX_PLAUSIBLE_MICRONS) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(microns);
    }

    private List<Double> values(int tagNumber) {
        List<Double> values = new ArrayList<>();
        Node field = field(tagNumber);
        if (field != null) {
            collectValues(field, values);
        }
        return values;
    }

    private long first(int tagNumber, long absent) {
        List<Double> values = values(tagNumber);
        return values.isEmpty() ? absent : values.get(0).longValue();
    }

    private Node field(int tagNumber) {
        if (root == null) {
            return null;
        }
        for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
            for (Node field = ifd.getFirstChild(); field != null; field = field.getNextSibling()) {
                if (String.valueOf(tagNumber).equals(attribute(field, "number"))) {
                    return field;
                }
            }
        }
        return null;
    }

    private static void collectText(Node node, StringBuilder into) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            String value = attribute(child, "value");
            if (value != null) {
                into.append(value);
            }
            collectText(child, into);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void collectValues(Node node, List<Double> into) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling()) {
            String value = attribute(child, "value");
            if (value != null) {
                parse(value, into);
            }
            collectValues(child, into);
        }
    }

    private static void parse(String value, List<Double> into) {
        try {
            int slash = value.indexOf('/');
            if (slash > 0) {
                double denominator = Double.parseDouble(value.substring(slash + 1));
                if (denominator != 0) {
                    into.add(Double.parseDouble(value.substring(0, slash)) / denominator);
                }
            } else {
                into.add(Double.parseDouble(value));
            }
        } catch (NumberFormatException ignored) {
            // a non-numeric value (e.g. ASCII field) is not a fact we use
        }
    }

    private static String attribute(Node node, String name) {
        NamedNodeMap attributes = node.getAttributes();
        if (attributes == null) {
            return null;
        }
        Node attribute = attributes.getNamedItem(name);
        return attribute == null ? null : attribute.getNodeValue();
    }
}
