package org.histoscope.images;

import static org.histoscope.images.TiffForge.LONG;
import static org.histoscope.images.TiffForge.SHORT;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Generates a corpus of hostile and unusual image files of every supported format (TIFF and its variants, PNG, JPEG,
 * BMP): decompression bombs, forged headers, broken pixel data, loops, lies in tag counts, and valid but unusual
 * layouts, each with what Histoscope must do with it. Run {@link #main} to write the files to a folder (for manual
 * or browser uploads): {@code java ... org.histoscope.images.HostileCorpus target/hostile-corpus}.
 */
public final class HostileCorpus {

    /** What must become of a file: refused at the door with a message containing {@code hint}, or accepted. */
    public enum Verdict {
        REFUSED, ACCEPTED
    }

    /** @param hint for refusals, a piece of the expected message (lower case); null when any clear message will do */
    public record Sample(String name, byte[] content, Verdict verdict, String hint, String why) {

        @Override
        public String toString() {
            return name + " (" + why + ")";
        }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final BufferedImage tissue;

    private HostileCorpus() {
        tissue = tissueRegion();
    }

    public static List<Sample> generate() {
        HostileCorpus corpus = new HostileCorpus();
        corpus.tiffs();
        corpus.pngs();
        corpus.jpegs();
        corpus.bmps();
        corpus.others();
        return List.copyOf(corpus.samples);
    }

    public static void main(String[] args) throws IOException {
        Path folder = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/hostile-corpus"));
        for (Sample sample : generate()) {
            Files.write(folder.resolve(sample.name().replaceAll("[^A-Za-z0-9._-]", "_")), sample.content());
            System.out.println(sample.verdict() + "\t" + sample.name() + "\t" + sample.why());
        }
    }

    private void refused(String name, byte[] content, String hint, String why) {
        samples.add(new Sample(name, content, Verdict.REFUSED, hint, why));
    }

    private void accepted(String name, byte[] content, String why) {
        samples.add(new Sample(name, content, Verdict.ACCEPTED, null, why));
    }

    // ---------------------------------------------------------------- TIFF

    private void tiffs() {
        // the bomb: 20000 x 20000 grey, one Deflate strip of zeros (fastest and best compression)
        refused("bomb-deflate-20000.tif", TiffForge.littleEndian().image(20_000, 20_000, 1, 8).tag(259, SHORT, 8)
                .strips(20_000, List.of(TiffForge.deflateOf(20_000L * 20_000, (byte) 0)), new int[1]).build(),
                "decompression bomb", "Deflate strip of 400 MB of zeros in 400 KB");
        refused("bomb-deflate-fast-20000.tif", TiffForge.littleEndian().image(20_000, 20_000, 1, 8).tag(259, SHORT, 8)
                .strips(20_000, List.of(TiffForge.deflateOf(20_000L * 20_000, (byte) 0, Deflater.BEST_SPEED)), new int[1]).build(),
                "tiled tiff", "fastest Deflate (about 200 : 1) in one strip that every band decodes again");
        refused("bomb-lzw-20000.tif", new TiffBytes().tag(256, 20_000).tag(257, 20_000).tag(258, 8).tag(259, 5)
                .tag(262, 1).tag(277, 1).tag(278, 20_000).data(HostileImageTest.lzwOfZeros(20_000L * 20_000)).build(),
                "decompression bomb", "LZW strip of zeros");
        // 3600 tiles of 512 x 512 that all point at the same few hundred bytes
        byte[] oneTile = TiffForge.deflateOf(512L * 512 * 3, (byte) 0);
        refused("bomb-shared-tiles-30000.tif", TiffForge.littleEndian().image(30_000, 30_000, 3, 8)
                        .tag(259, SHORT, 8).tiles(512, 512, List.of(oneTile), TiffForge.zeros(59 * 59)).build(),
                "decompression bomb", "every tile is the same compressed block");
        // uncompressed, but all 20000 strips are the same 20000 bytes
        refused("bomb-shared-strips-uncompressed.tif", TiffForge.littleEndian().image(20_000, 20_000, 1, 8)
                        .tag(259, SHORT, 1).strips(1, List.of(new byte[20_000]), TiffForge.zeros(20_000)).build(),
                "decompression bomb", "uncompressed strips sharing one block");
        refused("uint64-samples.tif", TiffForge.littleEndian().image(64, 64, 1, 64).tag(259, SHORT, 1)
                        .tag(339, SHORT, 1).strips(64, List.of(noise(64 * 64 * 8, 1)), new int[1]).build(),
                null, "64 bits per sample (unsigned)");
        // metadata the decoder skips (pixels intact) must not stop the image; broken pixel data must
        accepted("corrupt-exif-count.tif", corruptExifCount(), "EXIF field count runs past the file; pixels intact");
        refused("ifd-loop.tif", ifdLoop(), "loops", "page chain points back to itself");
        refused("strip-past-end.tif", new TiffBytes().tag(256, 100).tag(257, 100).tag(258, 8).tag(259, 1).tag(262, 1)
                .tag(277, 1).tag(278, 100).tag(279, 5_000_000).data(new byte[10_000]).build(),
                null, "strip extends beyond the end of the file");
        byte[] valid = tiff(tissue, "LZW", false);
        refused("truncated.tif", Arrays.copyOf(valid, valid.length / 2), null, "cut in half");
        refused("garbage-deflate.tif", TiffForge.littleEndian().image(256, 256, 3, 8).tag(259, SHORT, 8)
                        .strips(256, List.of(noise(20_000, 2)), new int[1]).build(),
                "could not be decoded", "Deflate strip of random bytes");
        refused("unknown-compression.tif", TiffForge.littleEndian().image(128, 128, 3, 8).tag(259, SHORT, 50_123)
                .strips(128, List.of(noise(128 * 128 * 3, 3)), new int[1]).build(), null, "compression 50123");
        refused("zero-width.tif", TiffForge.littleEndian().image(0, 128, 1, 8).tag(259, SHORT, 1)
                .strips(128, List.of(new byte[128]), new int[1]).build(), null, "width 0");
        accepted("bits-per-sample-13.tif", TiffForge.littleEndian().image(128, 128, 3, 13).tag(259, SHORT, 1)
                .strips(128, List.of(noise(128 * 128 * 5, 4)), new int[1]).build(), "13-bit samples (valid, rare)");
        refused("strips-missing.tif", TiffForge.littleEndian().image(128, 128, 3, 8).tag(259, SHORT, 1).build(),
                null, "no StripOffsets at all");

        accepted("lzw-striped.tif", valid, "ordinary LZW strips");
        accepted("deflate-tiled-big-endian.tif", tiff(tissue, "Deflate", true), "tiled, Deflate, big-endian writer");
        accepted("jpeg-in-tiff.tif", tiff(tissue, "JPEG", true), "JPEG-compressed tiles");
        accepted("sixteen-bit-rgb.tif", tiff(sixteenBit(tissue), "LZW", false), "16 bits per sample");
        accepted("pyramid-two-pages.tif", pyramid(), "two pages, full and half resolution");
    }

    /** A valid RGB image whose ExifIFD has a tag claiming a billion values at an offset past the end of the file. */
    private byte[] corruptExifCount() {
        int width = 64;
        byte[] pixels = rgbBytes(tissue, width, width);
        byte[] base = TiffForge.littleEndian().image(width, width, 3, 8).tag(259, SHORT, 1).tag(34665, LONG, 0)
                .strips(width, List.of(pixels), new int[1]).build();
        // append an EXIF IFD: one ExposureTime (RATIONAL) entry with count 0x3FFFFFFF at offset 0x7FFFFFF0
        ByteBuffer exif = ByteBuffer.allocate(2 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        exif.putShort((short) 1).putShort((short) 33434).putShort((short) 5).putInt(0x3FFFFFFF).putInt(0x7FFFFFF0)
                .putInt(0);
        int exifOffset = base.length;
        byte[] file = TiffBytes.concat(base, exif.array());
        patchLongTag(file, 34665, exifOffset);
        return file;
    }

    private static void patchLongTag(byte[] tiff, int tagNumber, int value) {
        ByteBuffer buffer = ByteBuffer.wrap(tiff).order(ByteOrder.LITTLE_ENDIAN);
        int ifd = buffer.getInt(4);
        int entries = Short.toUnsignedInt(buffer.getShort(ifd));
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if (Short.toUnsignedInt(buffer.getShort(entry)) == tagNumber) {
                buffer.putInt(entry + 8, value);
                return;
            }
        }
        throw new IllegalArgumentException("no tag " + tagNumber);
    }

    private static byte[] ifdLoop() {
        byte[] tiff = new TiffBytes().tag(256, 10).tag(257, 10).tag(258, 8).tag(259, 1).tag(262, 1).tag(277, 1)
                .tag(278, 10).data(new byte[100]).build();
        int entries = (tiff[8] & 0xFF) | (tiff[9] & 0xFF) << 8;
        tiff[8 + 2 + entries * 12] = 8; // the next page is the first page again
        return tiff;
    }

    private static byte[] tiff(BufferedImage image, String compression, boolean tiled) {
        return write(image, "tiff", param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(compression);
            if (tiled) {
                param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
                param.setTiling(128, 128, 0, 0);
            }
        });
    }

    private byte[] pyramid() {
        try {
            ImageWriter writer = jdkWriter("tiff");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                BufferedImage half = new BufferedImage(tissue.getWidth() / 2, tissue.getHeight() / 2,
                        BufferedImage.TYPE_INT_RGB);
                half.createGraphics().drawImage(tissue, 0, 0, half.getWidth(), half.getHeight(), null);
                writer.writeToSequence(new IIOImage(tissue, null, null), null);
                writer.writeToSequence(new IIOImage(half, null, null), null);
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- PNG

    private void pngs() {
        // the PNG bomb: 30000 x 30000, a real, complete zlib stream of zero rows
        refused("bomb-30000.png", png(30_000, 30_000, 0, 8, rowsOf(30_000, 30_000, (byte) 0)),
                "decompression bomb", "900 MB of grey zeros");
        // the blank 12000 x 12000 canvas
        refused("blank-12000.png", png(12_000, 12_000, 2, 8, rowsOf(12_000 * 3, 12_000, (byte) 0xFF)),
                "no tissue", "an empty white canvas");
        refused("header-only-huge.png", png(25_000, 25_000, 2, 8, deflate(new byte[64])), null,
                "IHDR 25000 x 25000 with a few bytes of data");
        byte[] valid = write(tissue, "png", null);
        refused("truncated.png", Arrays.copyOf(valid, valid.length * 2 / 3), "truncated", "cut short");
        refused("garbage-idat.png", png(200, 200, 2, 8, noise(5_000, 5)), "could not be decoded",
                "IDAT of random bytes");
        refused("short-idat.png", png(300, 300, 2, 8, deflate(Arrays.copyOf(rgbRows(tissue, 300, 100), 300 * 100))),
                "could not be decoded", "IDAT holds a third of the rows");
        refused("zero-height.png", png(100, 0, 2, 8, deflate(new byte[10])), null, "height 0");
        refused("bad-colour-type.png", png(100, 100, 5, 8, deflate(new byte[100 * 101])), null, "colour type 5");

        accepted("valid.png", valid, "ordinary RGB");
        accepted("sixteen-bit-rgba.png", write(sixteenBitWithAlpha(tissue), "png", null), "16-bit RGBA");
        accepted("palette.png", write(palette(tissue), "png", null), "8-bit palette");
        accepted("grey.png", write(grey(tissue), "png", null), "greyscale");
    }

    private static byte[] rowsOf(int rowBytes, int rows, byte value) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] row = new byte[rowBytes + 1];
        Arrays.fill(row, 1, row.length, value);
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < rows; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    static byte[] png(int width, int height, int colourType, int bitDepth, byte[] idat) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth)
                .put((byte) colourType).put((byte) 0).put((byte) 0).put((byte) 0);
        return TiffBytes.concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                chunk("IHDR", ihdr.array()), chunk("IDAT", idat), chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes());
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type.getBytes()).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[data.length + 1024];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Arrays.copyOf(buffer, length);
    }

    /** PNG rows (filter byte 0 + RGB) of the top-left of {@code image}. */
    private static byte[] rgbRows(BufferedImage image, int width, int rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int y = 0; y < rows; y++) {
            out.write(0);
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x % image.getWidth(), y % image.getHeight());
                out.write(rgb >> 16 & 0xFF);
                out.write(rgb >> 8 & 0xFF);
                out.write(rgb & 0xFF);
            }
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- JPEG

    private void jpegs() {
        byte[] valid = write(tissue, "jpeg", null);
        refused("truncated.jpg", Arrays.copyOf(valid, valid.length - 200), "truncated", "end cut off");
        refused("huge-sof.jpg", hugeSof(), null, "SOF declares 65000 x 65000");
        byte[] scrambled = valid.clone();
        int scan = indexOfMarker(scrambled, 0xDA);
        Arrays.fill(scrambled, scan + 20, scrambled.length - 2, (byte) 0xFF);
        refused("scrambled-scan.jpg", scrambled, "corrupt", "entropy-coded data replaced by 0xFF fill");
        refused("progressive-too-large.jpg", progressiveHeaderOnly(30_000, 30_000), null,
                "progressive 30000 x 30000 (all coefficients in memory)");

        accepted("valid.jpg", valid, "baseline JPEG");
        accepted("progressive.jpg", write(tissue, "jpeg", param -> param.setProgressiveMode(
                ImageWriteParam.MODE_DEFAULT)), "progressive JPEG");
        accepted("grey.jpg", write(grey(tissue), "jpeg", null), "greyscale JPEG");
    }

    private static byte[] hugeSof() {
        ByteBuffer sof = ByteBuffer.allocate(19).put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8)
                .putShort((short) 65_000).putShort((short) 65_000).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            sof.put((byte) c).put((byte) 0x11).put((byte) 0);
        }
        return TiffBytes.concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, sof.array(), new byte[] {(byte) 0xFF, (byte) 0xD9});
    }

    /** A progressive frame header (SOF2) within the pixel limit, no real scan: refused from the header. */
    private static byte[] progressiveHeaderOnly(int width, int height) {
        ByteBuffer sof = ByteBuffer.allocate(19).put((byte) 0xFF).put((byte) 0xC2).putShort((short) 17).put((byte) 8)
                .putShort((short) height).putShort((short) width).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            sof.put((byte) c).put((byte) 0x11).put((byte) 0);
        }
        return TiffBytes.concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, sof.array(), new byte[64],
                new byte[] {(byte) 0xFF, (byte) 0xD9});
    }

    private static int indexOfMarker(byte[] jpeg, int code) {
        for (int i = 2; i < jpeg.length - 1; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == code) {
                return i;
            }
        }
        throw new IllegalArgumentException("no marker " + code);
    }

    // ---------------------------------------------------------------- BMP

    private void bmps() {
        refused("huge-header.bmp", bmp(100_000, 100_000, 24, 0, new byte[0]), null, "declares 100000 x 100000");
        // RLE8 bomb: 20000 x 20000 palette pixels from a few bytes of end-of-bitmap
        refused("rle8-bomb.bmp", bmp(20_000, 20_000, 8, 1, new byte[] {0, 1}), "decompression bomb",
                "RLE8 of 400 MB in a few bytes");
        byte[] valid = write(tissue, "bmp", null);
        refused("truncated-pixels.bmp", Arrays.copyOf(valid, valid.length / 3), null, "pixel data cut short");

        accepted("valid.bmp", valid, "ordinary 24-bit bottom-up");
        accepted("top-down.bmp", topDown(valid), "negative height: rows top-down");
    }

    private static byte[] bmp(int width, int height, int bits, int compression, byte[] pixels) {
        int palette = bits <= 8 ? 4 * 256 : 0;
        int offset = 54 + palette;
        ByteBuffer b = ByteBuffer.allocate(offset + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(offset + pixels.length).putInt(0).putInt(offset)
                .putInt(40).putInt(width).putInt(height).putShort((short) 1).putShort((short) bits)
                .putInt(compression).putInt(pixels.length).putInt(2835).putInt(2835).putInt(bits <= 8 ? 256 : 0)
                .putInt(0);
        for (int i = 0; i < palette / 4; i++) {
            b.put((byte) i).put((byte) i).put((byte) i).put((byte) 0);
        }
        b.put(pixels);
        return b.array();
    }

    /** Rewrites a bottom-up 24-bit BMP as top-down (negative height, rows reversed). */
    private static byte[] topDown(byte[] bottomUp) {
        ByteBuffer in = ByteBuffer.wrap(bottomUp).order(ByteOrder.LITTLE_ENDIAN);
        int offset = in.getInt(10);
        int width = in.getInt(18);
        int height = in.getInt(22);
        int stride = (width * 3 + 3) / 4 * 4;
        byte[] out = bottomUp.clone();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(22, -height);
        for (int y = 0; y < height; y++) {
            System.arraycopy(bottomUp, offset + y * stride, out, offset + (height - 1 - y) * stride, stride);
        }
        return out;
    }

    // ---------------------------------------------------------------- not images

    private void others() {
        refused("report.pdf.tif", "%PDF-1.7\n1 0 obj << >> endobj\n%%EOF".getBytes(), "not a tiff",
                "a PDF named .tif");
        refused("empty.png", new byte[0], "empty", "zero bytes");
        byte[] html = "<html><script>alert(1)</script></html>".getBytes();
        refused("<script>alert(1)<script>.png", html, null, "HTML with a script tag as name and content");
        accepted("ünïcödé \u202Efdp.tif", tiff(tissue, "Deflate", false), "bidi override in the name (U+202E)");
    }

    // ---------------------------------------------------------------- pixels

    /** A 300 x 300 region of a real H&E slide (IDC patient 8984) from the test fixtures. */
    private static BufferedImage tissueRegion() {
        try (var in = HostileCorpus.class.getResourceAsStream("/images/slide/idc-8984-region.png")) {
            BufferedImage slide = ImageIO.read(in);
            BufferedImage region = new BufferedImage(300, 300, BufferedImage.TYPE_INT_RGB);
            region.createGraphics().drawImage(slide.getSubimage(900, 500, 300, 300), 0, 0, null);
            return region;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage grey(BufferedImage rgb) {
        BufferedImage grey = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        grey.createGraphics().drawImage(rgb, 0, 0, null);
        return grey;
    }

    private static BufferedImage palette(BufferedImage rgb) {
        BufferedImage indexed = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_BYTE_INDEXED);
        indexed.createGraphics().drawImage(rgb, 0, 0, null);
        return indexed;
    }

    private static BufferedImage sixteenBit(BufferedImage rgb) {
        return sixteen(rgb, false);
    }

    private static BufferedImage sixteenBitWithAlpha(BufferedImage rgb) {
        return sixteen(rgb, true);
    }

    private static BufferedImage sixteen(BufferedImage rgb, boolean alpha) {
        var type = ImageTypeSpecifier.createInterleaved(java.awt.color.ColorSpace.getInstance(
                java.awt.color.ColorSpace.CS_sRGB), alpha ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2},
                java.awt.image.DataBuffer.TYPE_USHORT, alpha, false);
        BufferedImage out = type.createBufferedImage(rgb.getWidth(), rgb.getHeight());
        var raster = out.getRaster();
        for (int y = 0; y < rgb.getHeight(); y++) {
            for (int x = 0; x < rgb.getWidth(); x++) {
                int p = rgb.getRGB(x, y);
                raster.setSample(x, y, 0, (p >> 16 & 0xFF) * 257);
                raster.setSample(x, y, 1, (p >> 8 & 0xFF) * 257);
                raster.setSample(x, y, 2, (p & 0xFF) * 257);
                if (alpha) {
                    raster.setSample(x, y, 3, 65_535);
                }
            }
        }
        return out;
    }

    private static byte[] rgbBytes(BufferedImage image, int width, int height) {
        byte[] bytes = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = image.getRGB(x, y);
                int i = (y * width + x) * 3;
                bytes[i] = (byte) (p >> 16);
                bytes[i + 1] = (byte) (p >> 8);
                bytes[i + 2] = (byte) p;
            }
        }
        return bytes;
    }

    private static byte[] noise(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private interface ParamSetter {
        void set(ImageWriteParam param);
    }

    private static byte[] write(BufferedImage image, String format, ParamSetter settings) {
        try {
            ImageWriter writer = jdkWriter(format);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                if (settings != null) {
                    settings.set(param);
                }
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImageWriter jdkWriter(String format) {
        var writers = ImageIO.getImageWritersByFormatName(format);
        ImageWriter fallback = null;
        while (writers.hasNext()) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.imageio")) {
                return writer;
            }
            fallback = fallback == null ? writer : fallback;
        }
        if (fallback == null) {
            throw new IllegalStateException("no writer for " + format);
        }
        return fallback;
    }
}
