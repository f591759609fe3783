package org.histoscope.images.internal;

import java.util.Optional;
import org.histoscope.images.ImageFormat;

/** Recognises image formats by their magic bytes. */
public final class FormatSniffer {

    public static final int BYTES_NEEDED = 8;

    private FormatSniffer() {
    }

    public static Optional<ImageFormat> sniff(byte[] head, int length) {
        if (length >= 8 && (head[0] & 0xFF) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == 0x0D && head[5] == 0x0A && head[6] == 0x1A && head[7] == 0x0A) {
            return Optional.of(ImageFormat.PNG);
        }
        if (length >= 4 && ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0)
                || (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43)))) {
            return Optional.of(ImageFormat.TIFF);
        }
        if (length >= 3 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xD8 && (head[2] & 0xFF) == 0xFF) {
            return Optional.of(ImageFormat.JPEG);
        }
        if (length >= 2 && head[0] == 'B' && head[1] == 'M') {
            return Optional.of(ImageFormat.BMP);
        }
        return Optional.empty();
    }
}
