package org.histoscope.images;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.PermitAll;
import static org.histoscope.images.ImageRejectedException.Reason.CORRUPT;
import static org.histoscope.images.ImageRejectedException.Reason.EMPTY;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE;
import static org.histoscope.images.ImageRejectedException.Reason.TOO_LARGE_FILE;
import static org.histoscope.images.ImageRejectedException.Reason.UNREADABLE;
import static org.histoscope.images.ImageRejectedException.Reason.UNSUPPORTED_FORMAT;

import jakarta.annotation.security.RolesAllowed;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.histoscope.security.Roles;
import org.histoscope.images.internal.DecodeCost;
import org.histoscope.images.internal.FormatSniffer;
import org.histoscope.images.internal.OpenedImage;
import org.histoscope.images.internal.TiffPageChain;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Service;

/**
 * {@link ImageInspector} that checks magic bytes, structure and limits before decoding anything. Open to every
 * caller: it only decodes a file another service chose and holds no records, so the rule that matters is the one
 * on that service.
 */
@Service
@PermitAll
@EnableConfigurationProperties(ImageLimits.class)
public class SafeImageInspector implements ImageInspector {

    private static final byte[] PNG_IEND = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};
    /** JPEG end-of-image is searched for this far from the end (some writers append padding). */
    private static final int JPEG_TAIL_SEARCH = 4096;
    /**
     * Rows decoded at the top and the bottom of the image to prove that its pixels decode. Also the height of the
     * bands a whole-image prediction reads at a time (WholeImagePredictor's minimum band), for the cost estimate.
     */
    static final int PROBE_ROWS = 512;

    private final ImageLimits limits;

    @org.springframework.beans.factory.annotation.Autowired
    public SafeImageInspector(ImageLimits limits) {
        this.limits = limits;
    }

    public SafeImageInspector() {
        this(ImageLimits.DEFAULT);
    }

    @Override
    public ImageInfo inspect(Path file) {
        try (RegionReader reader = open(file)) {
            return reader.info();
        }
    }

    @Override
    @RolesAllowed(Roles.PATHOLOGIST)
    public ImageInfo inspectAndProbe(Path file) {
        try (OpenedImage reader = openImage(file)) {
            ImageInfo info = reader.info();
            checkBandedReadFitsTheBudget(reader, info);
            // small images are decoded whole by predictions, so they are probed whole
            int rows = info.pixelCount() <= limits.maxFullDecodePixels() ? info.height()
                    : (int) Math.max(1, Math.min(PROBE_ROWS, limits.maxFullDecodePixels() / info.width()));
            reader.readRegion(new Rectangle(0, 0, info.width(), rows), 1);
            if (info.height() > rows) {
                reader.readRegion(new Rectangle(0, info.height() - rows, info.width(), rows), 1);
            }
            if (info.pages() > 1) {
                reader.preview(PROBE_PREVIEW_SIDE);
            }
            return info;
        }
    }

    private static final int PROBE_PREVIEW_SIDE = 256;

    /**
     * A whole-image prediction reads images larger than {@link ImageLimits#maxFullDecodePixels()} in bands of about
     * {@link #PROBE_ROWS} rows; refuses files whose layout would make that cost more than one image's budget.
     */
    private void checkBandedReadFitsTheBudget(OpenedImage reader, ImageInfo info) {
        long total;
        if (info.pixelCount() <= limits.maxFullDecodePixels()) {
            total = reader.decodeCost(new Rectangle(0, 0, info.width(), info.height()));
        } else {
            total = 0;
            for (int top = 0; top < info.height(); top += PROBE_ROWS) {
                total += reader.decodeCost(new Rectangle(0, top, info.width(), Math.min(PROBE_ROWS, info.height() - top)));
            }
        }
        long budget = reader.decodeBudgetLeft();
        if (total > budget) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE, PeopleText.of(
                    "refusal.images.rows-decoded-from-top-over-budget", info.width(), info.height(),
                    String.valueOf(info.format()), DecodeCost.human(total), DecodeCost.human(budget)));
        }
    }

    @Override
    public RegionReader open(Path file) {
        return openImage(file);
    }

    private OpenedImage openImage(Path file) {
        long size = fileSize(file);
        ImageFormat format = sniffAndCheckStructure(file, size);
        return OpenedImage.open(file, format, size, limits);
    }

    @Override
    public BufferedImage readRegion(Path file, Rectangle region, int subsampling) {
        try (RegionReader reader = open(file)) {
            return reader.readRegion(region, subsampling);
        }
    }

    @Override
    public BufferedImage readWhole(Path file) {
        try (RegionReader reader = open(file)) {
            ImageInfo info = reader.info();
            return reader.readRegion(new Rectangle(0, 0, info.width(), info.height()), 1);
        }
    }

    @Override
    public BufferedImage preview(Path file, int maxSide) {
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be positive");
        }
        try (RegionReader reader = open(file)) {
            return reader.preview(maxSide);
        }
    }

    @Override
    public byte[] previewPng(Path file, int maxSide) {
        return PngEncoder.encode(preview(file, maxSide));
    }

    @Override
    public long maxFullDecodePixels() {
        return limits.maxFullDecodePixels();
    }

    public ImageLimits limits() {
        return limits;
    }

    private long fileSize(Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ImageRejectedException(UNREADABLE, PeopleText.of("refusal.images.file-missing"), e);
        } catch (IOException e) {
            throw new ImageRejectedException(UNREADABLE, PeopleText.of("refusal.images.file-unreadable"), e);
        }
        if (size == 0) {
            throw new ImageRejectedException(EMPTY, PeopleText.of("refusal.images.file-empty"));
        }
        if (size > limits.maxFileBytes()) {
            throw new ImageRejectedException(TOO_LARGE_FILE, PeopleText.of(
                    "refusal.images.too-large-file", size, limits.maxFileBytes()));
        }
        return size;
    }

    private ImageFormat sniffAndCheckStructure(Path file, long size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] head = read(channel, 0, (int) Math.min(FormatSniffer.BYTES_NEEDED, size));
            ImageFormat format = FormatSniffer.sniff(head, head.length).orElseThrow(() ->
                    new ImageRejectedException(UNSUPPORTED_FORMAT,
                            PeopleText.of("refusal.images.unsupported-format")));
            if (format == ImageFormat.TIFF) {
                TiffPageChain.checkNoLoop(channel, size, OpenedImage.MAX_PAGES);
            }
            if (format == ImageFormat.PNG && !endsWith(channel, size, PNG_IEND)) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.png-file-truncated-damaged-end"));
            }
            if (format == ImageFormat.PNG) {
                checkPngHeaderDimensions(channel);
            }
            if (format == ImageFormat.JPEG) {
                checkJpegHeaderDimensions(channel, size);
            }
            if (format == ImageFormat.BMP) {
                checkBmpHeaderDimensions(channel);
            }
            if (format == ImageFormat.JPEG && !hasJpegEnd(channel, size)) {
                throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.jpeg-file-truncated-damaged-end"));
            }
            return format;
        } catch (IOException e) {
            throw new ImageRejectedException(UNREADABLE, PeopleText.of("refusal.images.file-unreadable"), e);
        }
    }

    /** The IHDR chunk always follows the signature: width and height are unsigned 32-bit at offsets 16 and 20. */
    private void checkPngHeaderDimensions(FileChannel channel) throws IOException {
        ByteBuffer ihdr = ByteBuffer.wrap(read(channel, 8, 16));
        if (ihdr.remaining() < 16 || ihdr.getInt(4) != 0x49484452) {
            throw new ImageRejectedException(CORRUPT, PeopleText.of("refusal.images.png-file-damaged-image-header"));
        }
        OpenedImage.checkDimensions(Integer.toUnsignedLong(ihdr.getInt(8)), Integer.toUnsignedLong(ihdr.getInt(12)),
                limits);
    }

    /** Walks the JPEG marker segments up to the first start-of-frame and checks its declared size. */
    private void checkJpegHeaderDimensions(FileChannel channel, long size) throws IOException {
        long position = 2;
        for (int segments = 0; segments < 1000 && position + 4 <= size; segments++) {
            byte[] marker = read(channel, position, 4);
            if ((marker[0] & 0xFF) != 0xFF) {
                return; // not a plain marker sequence: leave it to the decoder
            }
            int code = marker[1] & 0xFF;
            int length = ((marker[2] & 0xFF) << 8) | (marker[3] & 0xFF);
            boolean startOfFrame = code >= 0xC0 && code <= 0xCF && code != 0xC4 && code != 0xC8 && code != 0xCC;
            if (startOfFrame) {
                byte[] frame = read(channel, position + 5, 5);
                if (frame.length == 5) {
                    int height = ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF);
                    int width = ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF);
                    OpenedImage.checkDimensions(width, height, limits);
                    boolean progressive = code == 0xC2 || code == 0xC6 || code == 0xCA || code == 0xCE;
                    checkProgressiveMemory(progressive, width, height, Math.max(1, frame[4] & 0xFF));
                }
                return;
            }
            if (code == 0xDA || length < 2) {
                return;
            }
            position += 2 + length;
        }
    }

    /**
     * A progressive JPEG is refined in several passes over the whole image, so its decoder keeps the DCT coefficients
     * of every pixel (2 bytes per sample) in memory at once, whatever region is asked for.
     */
    private void checkProgressiveMemory(boolean progressive, int width, int height, int components) {
        long coefficients = (long) width * height * components * 2;
        if (progressive && coefficients > limits.maxDecodeUnitBytes()) {
            throw new ImageRejectedException(TOO_COSTLY_TO_DECODE, PeopleText.of(
                    "refusal.images.progressive-jpeg-too-large", width, height, DecodeCost.human(coefficients),
                    DecodeCost.human(limits.maxDecodeUnitBytes())));
        }
    }

    /** BMP: width and height are signed 32-bit little-endian at offsets 18 and 22 (negative height = top-down). */
    private void checkBmpHeaderDimensions(FileChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.wrap(read(channel, 14, 12)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (header.remaining() < 12 || header.getInt(0) < 40) {
            return; // old OS/2 headers: leave them to the decoder
        }
        OpenedImage.checkDimensions(header.getInt(4), Math.abs((long) header.getInt(8)), limits);
    }

    private static boolean endsWith(FileChannel channel, long size, byte[] suffix) throws IOException {
        if (size < suffix.length) {
            return false;
        }
        byte[] tail = read(channel, size - suffix.length, suffix.length);
        return java.util.Arrays.equals(tail, suffix);
    }

    private static boolean hasJpegEnd(FileChannel channel, long size) throws IOException {
        int length = (int) Math.min(JPEG_TAIL_SEARCH, size);
        byte[] tail = read(channel, size - length, length);
        for (int i = tail.length - 2; i >= 0; i--) {
            if ((tail[i] & 0xFF) == 0xFF && (tail[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    private static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                break;
            }
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        return bytes;
    }
}
