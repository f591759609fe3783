package org.histoscope.images;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encodes rendered images (previews, heatmaps, explanations) as PNG bytes for storage and display. */
public final class PngEncoder {

    private PngEncoder() {
    }

    public static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            // writing to memory cannot fail for I/O reasons; an exception here is a programming error
            throw new UncheckedIOException(e);
        }
    }
}
