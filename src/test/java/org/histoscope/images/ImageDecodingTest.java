package org.histoscope.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.plugins.tiff.BaselineTIFFTagSet;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.plugins.tiff.TIFFTag;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real PCam TIFFs and IDC PNGs decode to the same pixels as PIL (the training pipeline), and TIFF variants written
 * by the JDK's TIFF writer (compressions, tiles, 16-bit, grey, palette, multi-page, resolution) decode correctly.
 */
class ImageDecodingTest {

    private static final SafeImageInspector inspector = new SafeImageInspector();

    @TempDir
    static Path dir;

    private static BufferedImage pcam;

    @BeforeAll
    static void readSource() {
        pcam = inspector.readWhole(resourcePath("pcam/01788bbb441f2d8d07d154aae2b44979f7b0e620.tif"));
    }

    static Stream<String> pixelSumLines() throws IOException {
        try (InputStream in = ImageDecodingTest.class.getResourceAsStream("/images/pixel-sums.csv")) {
            List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
            assertThat(lines).hasSizeGreaterThanOrEqualTo(7);
            return lines.stream();
        }
    }

    /** pixel-sums.csv holds per-channel sums computed with PIL's convert("RGB"), as in training. */
    @ParameterizedTest
    @MethodSource("pixelSumLines")
    void realFilesDecodeLikeTheTrainingPipeline(String line) {
        String[] f = line.split(",");
        Path file = resourcePath(f[0]);
        ImageInfo info = inspector.inspect(file);
        assertThat(info.format()).isEqualTo(f[0].endsWith(".tif") ? ImageFormat.TIFF : ImageFormat.PNG);
        assertThat(info.width()).isEqualTo(Integer.parseInt(f[1]));
        assertThat(info.height()).isEqualTo(Integer.parseInt(f[2]));
        assertThat(info.pages()).isEqualTo(1);
        assertThat(info.bitsPerSample()).isEqualTo(8);
        // PCam files carry a meaningless 1 dpi: not a plausible microscope resolution
        assertThat(info.micronsPerPixel()).isEmpty();
        long[] sums = channelSums(inspector.readWhole(file));
        assertThat(sums).containsExactly(Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5]));
    }

    static Stream<Arguments> losslessVariants() {
        return Stream.of("None", "LZW", "Deflate", "PackBits").flatMap(compression ->
                Stream.of(Arguments.of(compression, false), Arguments.of(compression, true)));
    }

    @ParameterizedTest(name = "{0} tiled={1}")
    @MethodSource("losslessVariants")
    void losslessTiffVariantsRoundTripExactly(String compression, boolean tiled) throws IOException {
        Path file = writeTiff("rgb-" + compression + tiled + ".tif", List.of(pcam), compression, tiled, null);
        ImageInfo info = inspector.inspect(file);
        assertThat(info.width()).isEqualTo(96);
        assertThat(samePixels(inspector.readWhole(file), pcam)).isTrue();
    }

    @ParameterizedTest(name = "JPEG tiled={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void jpegCompressedTiffDecodesClosely(boolean tiled) throws IOException {
        Path file = writeTiff("rgb-jpeg" + tiled + ".tif", List.of(pcam), "JPEG", tiled, null);
        assertThat(meanAbsoluteDifference(inspector.readWhole(file), pcam)).isLessThan(6.0);
    }

    @Test
    void sixteenBitRgbIsScaledToEightBits() throws IOException {
        BufferedImage sixteen = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        ImageTypeSpecifier spec = ImageTypeSpecifier.createInterleaved(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), new int[] {0, 1, 2},
                java.awt.image.DataBuffer.TYPE_USHORT, false, false);
        sixteen = spec.createBufferedImage(96, 96);
        WritableRaster raster = sixteen.getRaster();
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                int rgb = pcam.getRGB(x, y);
                raster.setPixel(x, y, new int[] {((rgb >> 16) & 0xFF) * 257, ((rgb >> 8) & 0xFF) * 257, (rgb & 0xFF) * 257});
            }
        }
        assertThat(((DataBufferUShort) raster.getDataBuffer()).getData()).isNotEmpty();
        Path file = writeTiff("rgb16.tif", List.of(sixteen), "LZW", false, null);
        assertThat(inspector.inspect(file).bitsPerSample()).isEqualTo(16);
        assertThat(samePixels(inspector.readWhole(file), pcam)).isTrue();
    }

    @Test
    void greyIsReplicatedToRgb() throws IOException {
        BufferedImage grey = new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                grey.getRaster().setSample(x, y, 0, (x * 2 + y) & 0xFF);
            }
        }
        Path file = writeTiff("grey.tif", List.of(grey), "Deflate", true, null);
        ImageInfo info = inspector.inspect(file);
        assertThat(info.samplesPerPixel()).isEqualTo(1);
        BufferedImage decoded = inspector.readWhole(file);
        assertThat(decoded.getRGB(10, 20) & 0xFFFFFF).isEqualTo(0x282828);
        assertThat(decoded.getRGB(95, 95) & 0xFFFFFF).isEqualTo(0x1D1D1D);
    }

    @Test
    void paletteIsLookedUp() throws IOException {
        byte[] reds = {0, (byte) 200, 10, 0};
        byte[] greens = {0, 30, (byte) 180, 0};
        byte[] blues = {0, 60, 90, (byte) 255};
        BufferedImage indexed = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(2, 4, reds, greens, blues));
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                indexed.getRaster().setSample(x, y, 0, (x / 16) % 4);
            }
        }
        Path file = writeTiff("palette.tif", List.of(indexed), "PackBits", false, null);
        BufferedImage decoded = inspector.readWhole(file);
        assertThat(decoded.getRGB(20, 5) & 0xFFFFFF).isEqualTo(0xC81E3C);
        assertThat(decoded.getRGB(40, 5) & 0xFFFFFF).isEqualTo(0x0AB45A);
        assertThat(decoded.getRGB(60, 5) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void rgbaDropsAlphaLikeTraining() throws IOException {
        BufferedImage rgba = new BufferedImage(96, 96, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                rgba.setRGB(x, y, (x % 2 == 0 ? 0x00000000 : 0xFF000000) | (pcam.getRGB(x, y) & 0xFFFFFF));
            }
        }
        Path file = writeTiff("rgba.tif", List.of(rgba), "LZW", false, null);
        assertThat(inspector.inspect(file).samplesPerPixel()).isEqualTo(4);
        assertThat(samePixels(inspector.readWhole(file), pcam)).isTrue();
    }

    @Test
    void multiPageTiffUsesTheLargestPage() throws IOException {
        BufferedImage thumbnail = new BufferedImage(24, 24, BufferedImage.TYPE_INT_RGB);
        Path file = writeTiff("pages.tif", List.of(thumbnail, pcam, thumbnail), "LZW", false, null);
        ImageInfo info = inspector.inspect(file);
        assertThat(info.pages()).isEqualTo(3);
        assertThat(info.pageIndex()).isEqualTo(1);
        assertThat(info.width()).isEqualTo(96);
        assertThat(samePixels(inspector.readWhole(file), pcam)).isTrue();
    }

    @Test
    void previewOfAPyramidIsReadFromASmallerLevelAtTheSameSize() throws IOException {
        BufferedImage half = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 48; x++) {
                half.setRGB(x, y, 0x204080 + x); // distinguishable from subsampling the full page
            }
        }
        BufferedImage label = new BufferedImage(60, 20, BufferedImage.TYPE_INT_RGB);
        Path file = writeTiff("pyramid.tif", List.of(pcam, half, label), "Deflate", false, null);
        assertThat(inspector.inspect(file).pageIndex()).isZero();

        BufferedImage preview = inspector.preview(file, 48);
        assertThat(samePixels(preview, half)).isTrue();
        BufferedImage smaller = inspector.preview(file, 30);
        assertThat(smaller.getWidth()).isEqualTo(24); // ceil(96 / ceil(96 / 30))
        assertThat(smaller.getRGB(10, 3) & 0xFFFFFF).isEqualTo(0x204080 + 20);
        BufferedImage full = inspector.preview(file, 96);
        assertThat(samePixels(full, pcam)).isTrue();
    }

    @Test
    void resolutionTagsGiveMicronsPerPixel() throws IOException {
        // 40000 pixels per centimetre = 0.25 µm per pixel (a 40x scan)
        Path file = writeTiff("resolution.tif", List.of(pcam), "LZW", false, 40_000L);
        assertThat(inspector.inspect(file).micronsPerPixel()).hasValueCloseTo(0.25,
                org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void regionsAndPreviewsAreCutFromTheImage() throws IOException {
        Path file = writeTiff("tiled.tif", List.of(pcam), "Deflate", true, null);
        BufferedImage region = inspector.readRegion(file, new Rectangle(32, 16, 40, 30), 1);
        assertThat(region.getWidth()).isEqualTo(40);
        assertThat(region.getHeight()).isEqualTo(30);
        assertThat(region.getRGB(0, 0)).isEqualTo(pcam.getRGB(32, 16));
        assertThat(region.getRGB(39, 29)).isEqualTo(pcam.getRGB(71, 45));

        BufferedImage preview = inspector.preview(file, 30);
        assertThat(Math.max(preview.getWidth(), preview.getHeight())).isLessThanOrEqualTo(30);
        assertThat(preview.getRGB(1, 1)).isEqualTo(pcam.getRGB(4, 4));
        byte[] png = inspector.previewPng(file, 30);
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(png)).getWidth()).isEqualTo(preview.getWidth());
    }

    @Test
    void jpegAndBmpFilesAreRecognisedByContent() throws IOException {
        Path jpeg = dir.resolve("photo.dat");
        ImageIO.write(pcam, "jpeg", jpeg.toFile());
        assertThat(inspector.inspect(jpeg).format()).isEqualTo(ImageFormat.JPEG);
        assertThat(meanAbsoluteDifference(inspector.readWhole(jpeg), pcam)).isLessThan(6.0);

        Path bmp = dir.resolve("scan.png");
        ImageIO.write(pcam, "bmp", bmp.toFile());
        assertThat(inspector.inspect(bmp).format()).isEqualTo(ImageFormat.BMP);
        assertThat(samePixels(inspector.readWhole(bmp), pcam)).isTrue();
    }

    /** Writes pages with the JDK TIFF writer: a different implementation than the TwelveMonkeys reader. */
    static Path writeTiff(String name, List<BufferedImage> pages, String compression, boolean tiled,
                          Long pixelsPerCentimetre) throws IOException {
        Path file = dir.resolve(name);
        Files.deleteIfExists(file);
        ImageWriter writer = jdkTiffWriter();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage page : pages) {
                ImageWriteParam param = writer.getDefaultWriteParam();
                if (!"None".equals(compression)) {
                    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setCompressionType(compression);
                }
                if (tiled) {
                    param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
                    param.setTiling(32, 32, 0, 0);
                }
                IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(page), param);
                if (pixelsPerCentimetre != null) {
                    metadata = withResolution(metadata, pixelsPerCentimetre);
                }
                writer.writeToSequence(new IIOImage(page, null, metadata), param);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return file;
    }

    private static IIOMetadata withResolution(IIOMetadata metadata, long pixelsPerCentimetre) throws IOException {
        TIFFDirectory directory = TIFFDirectory.createFromMetadata(metadata);
        BaselineTIFFTagSet tags = BaselineTIFFTagSet.getInstance();
        long[][] resolution = {{pixelsPerCentimetre, 1}};
        directory.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_X_RESOLUTION),
                TIFFTag.TIFF_RATIONAL, 1, resolution));
        directory.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_Y_RESOLUTION),
                TIFFTag.TIFF_RATIONAL, 1, resolution));
        directory.addTIFFField(new TIFFField(tags.getTag(BaselineTIFFTagSet.TAG_RESOLUTION_UNIT),
                BaselineTIFFTagSet.RESOLUTION_UNIT_CENTIMETER));
        return directory.getAsMetadata();
    }

    static ImageWriter jdkTiffWriter() {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.imageio")) {
                return writer;
            }
        }
        throw new IllegalStateException("JDK TIFF writer not found");
    }

    static Path resourcePath(String name) {
        try {
            return Path.of(ImageDecodingTest.class.getResource("/images/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static long[] channelSums(BufferedImage image) {
        long[] sums = new long[3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sums[0] += (rgb >> 16) & 0xFF;
                sums[1] += (rgb >> 8) & 0xFF;
                sums[2] += rgb & 0xFF;
            }
        }
        return sums;
    }

    static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    return false;
                }
            }
        }
        return true;
    }

    static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        long total = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs(((p >> shift) & 0xFF) - ((q >> shift) & 0xFF));
                }
            }
        }
        return total / (3.0 * a.getWidth() * a.getHeight());
    }
}
