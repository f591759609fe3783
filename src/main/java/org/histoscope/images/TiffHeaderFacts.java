package org.histoscope.images;

import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** Facts from a TIFF page's tags, read from the native metadata tree without decoding pixels. */
final class TiffHeaderFacts {

    private static final int STRIP_OFFSETS = 273;
    private static final int STRIP_BYTE_COUNTS = 279;
    private static final int X_RESOLUTION = 282;
    private static final int RESOLUTION_UNIT = 296;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_BYTE_COUNTS = 325;
    private static final int COMPRESSION = 259;
    private static final int ROWS_PER_STRIP = 278;
    private static final int TILE_WIDTH = 322;
    private static final int TILE_LENGTH = 323;
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
                        "The TIFF file is truncated or damaged: its image data extends beyond the end of the file.");
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

    /** Compression scheme (1 = none); 1 when the tag is missing, as the specification says. */
    int compression() {
        List<Double> value = values(COMPRESSION);
        return value.isEmpty() ? 1 : value.get(0).intValue();
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

    OptionalDouble micronsPerPixel() {
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
        if (root == null) {
            return values;
        }
        for (Node ifd = root.getFirstChild(); ifd != null; ifd = ifd.getNextSibling()) {
            for (Node field = ifd.getFirstChild(); field != null; field = field.getNextSibling()) {
                if (String.valueOf(tagNumber).equals(attribute(field, "number"))) {
                    collectValues(field, values);
                    return values;
                }
            }
        }
        return values;
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
