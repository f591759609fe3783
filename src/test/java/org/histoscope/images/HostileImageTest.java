package org.histoscope.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.histoscope.images.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged and malicious files are refused quickly, with a typed reason and a message for people. */
class HostileImageTest {

    private static final Duration QUICKLY = Duration.ofSeconds(5);

    private final SafeImageInspector inspector = new SafeImageInspector();

    @TempDir
    Path dir;

    @Test
    void emptyFileIsRefused() throws IOException {
        assertRejected(write("empty.png", new byte[0]), Reason.EMPTY);
    }

    @Test
    void randomBytesAreNotAnImage() throws IOException {
        byte[] noise = new byte[100_000];
        new Random(7).nextBytes(noise);
        noise[0] = 0; // make sure the noise does not start with a real magic number
        assertRejected(write("noise.tif", noise), Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void fileNameDoesNotMatterOnlyContent() throws IOException {
        assertRejected(write("report.png", "%PDF-1.7 not an image".getBytes()), Reason.UNSUPPORTED_FORMAT);
        Path pngNamedTiff = write("really-a-png.tif", resource("idc/8951_idx5_x1001_y1351_class0.png"));
        assertThat(inspector.inspect(pngNamedTiff).format()).isEqualTo(ImageFormat.PNG);
    }

    @Test
    void truncatedPngTiffAndJpegAreCorrupt() throws IOException {
        byte[] png = resource("idc/8951_idx5_x1001_y1351_class0.png");
        assertRejected(write("cut.png", Arrays.copyOf(png, png.length / 2)), Reason.CORRUPT);

        byte[] tiff = resource("pcam/01788bbb441f2d8d07d154aae2b44979f7b0e620.tif");
        assertRejected(write("cut.tif", Arrays.copyOf(tiff, tiff.length / 2)), Reason.CORRUPT);

        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new SafeImageInspector().readWhole(write("src.png", png)), "jpeg", jpeg);
        byte[] jpegBytes = jpeg.toByteArray();
        assertRejected(write("cut.jpg", Arrays.copyOf(jpegBytes, jpegBytes.length - 40)), Reason.CORRUPT);
    }

    @Test
    void tiffHeaderClaimingHundredThousandSquaredIsRefusedFromTheHeader() throws IOException {
        byte[] forged = new TiffBytes().tag(256, 100_000).tag(257, 100_000).tag(258, 8).tag(259, 1).tag(262, 1)
                .tag(277, 1).tag(278, 100_000).data(new byte[64]).build();
        ImageRejectedException e = assertRejected(write("huge.tif", forged), Reason.TOO_MANY_PIXELS);
        assertThat(e.getMessage()).contains("100000 x 100000");
    }

    @Test
    void pngWithHugeDeclaredSizeAndValidCrcIsRefusedFromTheHeader() throws IOException {
        assertRejected(write("huge.png", pngWithHeader(100_000, 100_000)), Reason.TOO_MANY_PIXELS);
    }

    @Test
    void jpegAndBmpHeadersWithHugeSizesAreRefusedFromTheHeader() throws IOException {
        ByteBuffer sof = ByteBuffer.allocate(19).put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8)
                .putShort((short) 65_000).putShort((short) 65_000).put((byte) 3);
        for (int c = 1; c <= 3; c++) {
            sof.put((byte) c).put((byte) 0x11).put((byte) 0);
        }
        byte[] jpeg = TiffBytes.concat(new byte[] {(byte) 0xFF, (byte) 0xD8}, sof.array(),
                new byte[] {(byte) 0xFF, (byte) 0xD9});
        assertRejected(write("huge.jpg", jpeg), Reason.TOO_MANY_PIXELS);

        ByteBuffer bmp = ByteBuffer.allocate(54).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bmp.put((byte) 'B').put((byte) 'M').putInt(54).putInt(0).putInt(54)
                .putInt(40).putInt(100_000).putInt(100_000).putShort((short) 1).putShort((short) 24).putInt(0)
                .putInt(0).putInt(2835).putInt(2835).putInt(0).putInt(0);
        assertRejected(write("huge.bmp", bmp.array()), Reason.TOO_MANY_PIXELS);
    }

    @Test
    void zeroAndOverlongDimensionsAreBad() throws IOException {
        assertRejected(write("zero.png", pngWithHeader(0, 10)), Reason.BAD_DIMENSIONS);
        assertRejected(write("long.png", pngWithHeader(70_000, 10)), Reason.BAD_DIMENSIONS);
    }

    /** An LZW strip of a few KB that would expand to 7.5 GB: refused by its declared size, nothing decoded. */
    @Test
    void lzwBombBeyondThePixelLimitIsRefusedFromTheHeader() throws IOException {
        byte[] bomb = new TiffBytes().tag(256, 50_000).tag(257, 50_000).tag(258, 8).tag(259, 5).tag(262, 1)
                .tag(277, 1).tag(278, 50_000).data(lzwOfZeros(4096)).build();
        assertRejected(write("bomb.tif", bomb), Reason.TOO_MANY_PIXELS);
    }

    /**
     * A bomb within the pixel limit (a 20000 x 20000 grey strip from a few KB of LZW) is refused by its compression
     * ratio; even with that check switched off it is only ever decoded region by region or subsampled: whole decoding
     * is refused, and the preview is bounded by its own size.
     */
    @Test
    void lzwBombWithinThePixelLimitIsRefusedAndOtherwiseOnlyDecodedWithBoundedMemory() throws IOException {
        byte[] bomb = new TiffBytes().tag(256, 20_000).tag(257, 20_000).tag(258, 8).tag(259, 5).tag(262, 1)
                .tag(277, 1).tag(278, 20_000).data(lzwOfZeros(20_000 * 20_000)).build();
        Path file = write("bomb2.tif", bomb);
        assertThat(bomb.length).isLessThan(4_000_000);
        assertRejected(file, Reason.TOO_COSTLY_TO_DECODE);

        SafeImageInspector noRatioCheck = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(1e9, null, null, null));
        assertRejected(file, Reason.TOO_MANY_PIXELS, () -> noRatioCheck.readWhole(file));
        BufferedImage preview = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> noRatioCheck.preview(file, 200));
        assertThat(preview.getWidth()).isLessThanOrEqualTo(200);
    }

    @Test
    void handMadeLzwDecodesToZeros() throws IOException {
        byte[] tiff = new TiffBytes().tag(256, 2000).tag(257, 2000).tag(258, 8).tag(259, 5).tag(262, 1)
                .tag(277, 1).tag(278, 2000).data(lzwOfZeros(2000 * 2000)).build();
        BufferedImage image = inspector.readWhole(write("zeros.tif", tiff));
        int[] pixels = image.getRGB(0, 0, 2000, 2000, null, 0, 2000);
        assertThat(Arrays.stream(pixels).allMatch(p -> (p & 0xFFFFFF) == 0)).isTrue();
    }

    @Test
    void tiffWithGarbageDeflateDataIsCorruptWhenDecoded() throws IOException {
        byte[] garbage = new byte[3000];
        new Random(3).nextBytes(garbage);
        byte[] tiff = new TiffBytes().tag(256, 100).tag(257, 100).tag(258, 8).tag(259, 8).tag(262, 1)
                .tag(277, 1).tag(278, 100).data(garbage).build();
        Path file = write("garbage.tif", tiff);
        assertRejected(file, Reason.CORRUPT, () -> inspector.readWhole(file));
    }

    /** The IFD chain points back at itself: an endless multi-page file. */
    @Test
    void tiffWithALoopingPageChainIsRefusedQuickly() throws IOException {
        byte[] tiff = new TiffBytes().tag(256, 10).tag(257, 10).tag(258, 8).tag(259, 1).tag(262, 1)
                .tag(277, 1).tag(278, 10).data(new byte[100]).build();
        int entries = (tiff[8] & 0xFF) | (tiff[9] & 0xFF) << 8;
        int nextIfd = 8 + 2 + entries * 12;
        tiff[nextIfd] = 8; // next IFD = the first IFD again
        Path file = write("loop.tif", tiff);
        ImageRejectedException e = assertTimeoutPreemptively(QUICKLY, () ->
                catchThrowableOfType(() -> inspector.inspect(file), ImageRejectedException.class));
        assertThat(e).isNotNull();
        assertThat(e.reason()).isEqualTo(Reason.CORRUPT);
        assertThat(e.getMessage()).doesNotContain("Exception").contains("loops").doesNotContain("256");
    }

    /** The bomb: 20000 x 20000 grey from one Deflate strip of zeros; refused from the header, nothing decoded. */
    @Test
    void deflateBombWithinThePixelLimitIsRefusedByItsCompressionRatio() throws IOException {
        byte[] bomb = TiffForge.littleEndian().image(20_000, 20_000, 1, 8).tag(259, TiffForge.SHORT, 8)
                .strips(20_000, java.util.List.of(TiffForge.deflateOf(20_000L * 20_000, (byte) 0)), new int[1]).build();
        assertThat(bomb.length).isLessThan(1_000_000);
        ImageRejectedException e = assertRejected(write("bomb.tif", bomb), Reason.TOO_COSTLY_TO_DECODE);
        assertThat(e.getMessage()).contains("decompression bomb").contains("400 MB");
    }

    /**
     * Fastest Deflate only reaches about 200 : 1, within the ratio limit, but one 400 MB strip read band by band
     * would be decoded 40 times (16 GB): the upload probe works that out and refuses it.
     */
    @Test
    void aFastDeflateBombInOneStripIsRefusedByWhatReadingItWouldCost() throws IOException {
        Deflater fast = new Deflater(Deflater.BEST_SPEED);
        byte[] zeros = new byte[1 << 20];
        ByteArrayOutputStream strip = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < 400_000_000 / zeros.length; i++) {
            fast.setInput(zeros);
            while (!fast.needsInput()) {
                strip.write(buffer, 0, fast.deflate(buffer));
            }
        }
        fast.setInput(new byte[400_000_000 % zeros.length]);
        fast.finish();
        while (!fast.finished()) {
            strip.write(buffer, 0, fast.deflate(buffer));
        }
        fast.end();
        Path bomb = write("fast-bomb.tif", TiffForge.littleEndian().image(20_000, 20_000, 1, 8)
                .tag(259, TiffForge.SHORT, 8).strips(20_000, java.util.List.of(strip.toByteArray()), new int[1]).build());
        // a heap large enough to hold the strip, so that only the cost of reading it counts
        SafeImageInspector roomy = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(null, null, 1L << 30, null));
        assertThat(roomy.inspect(bomb).width()).isEqualTo(20_000);
        ImageRejectedException e = assertRejected(bomb, Reason.TOO_COSTLY_TO_DECODE, () -> roomy.inspectAndProbe(bomb));
        assertThat(e.getMessage()).contains("part by part").contains("16 GB").contains("6.4 GB");
    }

    /** Heap-safe cap: a strip that must be decoded whole may not be larger than the cap, however it compresses. */
    @Test
    void aBlockTooLargeToDecodeSafelyIsRefusedAndSmallerStripsAreFine() throws IOException {
        SafeImageInspector capped = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(null, null, 1_000_000L, null));
        byte[] pixels = new byte[2000 * 2000];
        new Random(5).nextBytes(pixels);
        Path oneStrip = write("one-strip.tif", TiffForge.littleEndian().image(2000, 2000, 1, 8)
                .tag(259, TiffForge.SHORT, 8).strips(2000, java.util.List.of(deflate(pixels)), new int[1]).build());
        ImageRejectedException e = catchThrowableOfType(() -> capped.inspect(oneStrip), ImageRejectedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TOO_COSTLY_TO_DECODE);
        assertThat(e.getMessage()).contains("one strip").contains("4.0 MB").contains("tiled TIFF");

        java.util.List<byte[]> strips = new java.util.ArrayList<>();
        int[] order = new int[2000 / 100];
        for (int i = 0; i < order.length; i++) {
            strips.add(deflate(Arrays.copyOfRange(pixels, i * 200_000, (i + 1) * 200_000)));
            order[i] = i;
        }
        Path striped = write("striped.tif", TiffForge.littleEndian().image(2000, 2000, 1, 8)
                .tag(259, TiffForge.SHORT, 8).strips(100, strips, order).build());
        assertThat(capped.inspectAndProbe(striped).width()).isEqualTo(2000);
    }

    /** Each read of a PNG decodes every row above it: reading the bottom again and again runs out of budget. */
    @Test
    void theDecodeBudgetOfOneOpenedImageStopsRepeatedDecoding() throws IOException {
        SafeImageInspector budgeted = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(null, null, null,
                30_000_000L));
        Path png = write("noise.png", noisePng(1000, 1000));
        try (RegionReader reader = budgeted.open(png)) {
            java.awt.Rectangle bottom = new java.awt.Rectangle(0, 900, 1000, 100);
            assertThat(reader.decodeCost(bottom)).isEqualTo(1000L * 1000 * 3);
            for (int i = 0; i < 10; i++) {
                reader.readRegion(bottom, 1);
            }
            ImageRejectedException e = catchThrowableOfType(() -> reader.readRegion(bottom, 1),
                    ImageRejectedException.class);
            assertThat(e.reason()).isEqualTo(Reason.TOO_COSTLY_TO_DECODE);
            assertThat(e.getMessage()).contains("30 MB allowed for one image").doesNotContain("Exception");
        }
    }

    /** The upload probe works out what a banded whole-image prediction would decode and refuses beyond the budget. */
    @Test
    void theProbeRefusesAnImageWhoseBandByBandReadingWouldExceedTheBudget() throws IOException {
        Path png = write("tall.png", noisePng(500, 3000));
        ImageLimits bands = new ImageLimits(null, null, null, 100_000L).withCosts(null, null, null, 10_000_000L);
        ImageRejectedException e = catchThrowableOfType(() -> new SafeImageInspector(bands).inspectAndProbe(png),
                ImageRejectedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TOO_COSTLY_TO_DECODE);
        assertThat(e.getMessage()).contains("part by part").contains("tiled TIFF");
        assertThat(inspector.inspectAndProbe(png).height()).isEqualTo(3000);
    }

    /** Headers that read fine over pixels that do not decode: only decoding tells, so the upload probe decodes. */
    @Test
    void theProbeRefusesPixelsThatDoNotDecodeThoughTheHeaderIsFine() throws IOException {
        byte[] samples = new byte[64 * 64 * 8];
        new Random(9).nextBytes(samples);
        Path uint64 = write("uint64.tif", TiffForge.littleEndian().image(64, 64, 1, 64).tag(259, TiffForge.SHORT, 1)
                .tag(339, TiffForge.SHORT, 1).strips(64, java.util.List.of(samples), new int[1]).build());
        assertThat(inspector.inspect(uint64).width()).isEqualTo(64);
        assertRejected(uint64, Reason.CORRUPT, () -> inspector.inspectAndProbe(uint64));

        Path garbage = write("garbage.png", HostileCorpus.png(200, 200, 2, 8, Arrays.copyOf(samples, 5000)));
        inspector.inspect(garbage);
        assertRejected(garbage, Reason.CORRUPT, () -> inspector.inspectAndProbe(garbage));
    }

    /** JPEG decoders fill corrupt entropy-coded data with grey and only warn: that is a damaged image. */
    @Test
    void aJpegWithCorruptScanDataIsDamaged() throws IOException {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(inspector.readWhole(write("src.png", resource("slide/idc-8984-region.png"))).getSubimage(0, 0,
                400, 400), "jpeg", jpeg);
        byte[] bytes = jpeg.toByteArray();
        Path valid = write("valid.jpg", bytes);
        assertThat(inspector.inspectAndProbe(valid).width()).isEqualTo(400);
        int scan = 2;
        while (!((bytes[scan] & 0xFF) == 0xFF && (bytes[scan + 1] & 0xFF) == 0xDA)) {
            scan++;
        }
        Arrays.fill(bytes, scan + 20, bytes.length - 2, (byte) 0xFF);
        Path scrambled = write("scrambled.jpg", bytes);
        ImageRejectedException e = assertRejected(scrambled, Reason.CORRUPT, () -> inspector.readWhole(scrambled));
        assertThat(e.getMessage()).contains("corrupt");
    }

    /** A progressive JPEG keeps all DCT coefficients in memory: refused from its header above the heap-safe cap. */
    @Test
    void aProgressiveJpegNeedingMoreMemoryThanTheCapIsRefusedFromTheHeader() throws IOException {
        BufferedImage image = inspector.readWhole(write("src.png", resource("slide/idc-8984-region.png")));
        var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            var param = writer.getDefaultWriteParam();
            param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        Path progressive = write("progressive.jpg", bytes.toByteArray());
        SafeImageInspector capped = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(null, null, 10_000_000L, null));
        ImageRejectedException e = catchThrowableOfType(() -> capped.inspect(progressive), ImageRejectedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TOO_COSTLY_TO_DECODE);
        assertThat(e.getMessage()).contains("progressive JPEG").contains("16 MB");
        assertThat(inspector.inspectAndProbe(progressive).width()).isEqualTo(2000);
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    private static byte[] noisePng(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @Test
    void tiffStripPointingPastTheEndIsCorrupt() throws IOException {
        byte[] tiff = new TiffBytes().tag(256, 10).tag(257, 10).tag(258, 8).tag(259, 1).tag(262, 1)
                .tag(277, 1).tag(278, 10).tag(279, 1_000_000).data(new byte[100]).build();
        assertRejected(write("short.tif", tiff), Reason.CORRUPT);
    }

    @Test
    void fileLargerThanTheLimitIsRefusedBeforeReading() throws IOException {
        SafeImageInspector strict = new SafeImageInspector(new ImageLimits(1000L, null, null, null));
        Path file = write("big.png", resource("idc/8951_idx5_x1001_y1351_class0.png"));
        ImageRejectedException e = catchThrowableOfType(() -> strict.inspect(file), ImageRejectedException.class);
        assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE_FILE);
    }

    @Test
    void missingFileIsUnreadable() {
        assertRejected(dir.resolve("nothing.png"), Reason.UNREADABLE);
    }

    private ImageRejectedException assertRejected(Path file, Reason reason) {
        return assertRejected(file, reason, () -> inspector.inspect(file));
    }

    private ImageRejectedException assertRejected(Path file, Reason reason, Runnable action) {
        ImageRejectedException e = assertTimeoutPreemptively(QUICKLY, () ->
                catchThrowableOfType(action::run, ImageRejectedException.class));
        assertThat(e).as("expected rejection of " + file.getFileName()).isNotNull();
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
        return e;
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    static byte[] resource(String name) throws IOException {
        try (var in = HostileImageTest.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A PNG whose IHDR declares the given size with a correct CRC, a tiny IDAT and IEND. */
    static byte[] pngWithHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[16]);
        deflater.finish();
        byte[] idat = new byte[64];
        int length = deflater.deflate(idat);
        return TiffBytes.concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A},
                chunk("IHDR", ihdr.array()), chunk("IDAT", Arrays.copyOf(idat, length)), chunk("IEND", new byte[0]));
    }

    private static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(type.getBytes());
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(type.getBytes()).put(data)
                .putInt((int) crc.getValue()).array();
    }

    /** TIFF LZW (MSB-first, early change) encoding of {@code count} zero bytes. */
    static byte[] lzwOfZeros(long count) {
        LzwZeros encoder = new LzwZeros();
        return encoder.encode(count);
    }

    private static final class LzwZeros {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long bitBuffer;
        private int bitCount;

        byte[] encode(long count) {
            int codeWidth = 9;
            int nextCode = 258;
            emit(256, codeWidth);
            // Since the last Clear, the table holds runs of zeros: code 256 + n is a run of n zeros (n >= 2)
            long remaining = count;
            int runLength = 1;
            while (remaining > 0) {
                int take = (int) Math.min(remaining, runLength);
                emit(take == 1 ? 0 : 256 + take, codeWidth);
                remaining -= take;
                runLength++;
                nextCode++;
                if (nextCode == 4094) {
                    emit(256, codeWidth);
                    codeWidth = 9;
                    nextCode = 258;
                    runLength = 1;
                } else if (nextCode >= (1 << codeWidth)) {
                    codeWidth++;
                }
            }
            emit(257, codeWidth);
            if (bitCount > 0) {
                out.write((int) (bitBuffer << (8 - bitCount)) & 0xFF);
            }
            return out.toByteArray();
        }

        private void emit(int code, int width) {
            bitBuffer = (bitBuffer << width) | code;
            bitCount += width;
            while (bitCount >= 8) {
                out.write((int) (bitBuffer >>> (bitCount - 8)) & 0xFF);
                bitCount -= 8;
            }
        }
    }
}
