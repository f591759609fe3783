package org.histoscope.images.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageLimits;

class RepeatedBlocksTest {

    private static final int TILE = 128;

    @TempDir
    static Path folder;
    static Path slide;
    static BufferedImage source;

    /** A glass of one colour (stored as one repeated block) with noisy "tissue" and a gradient that never repeat. */
    @BeforeAll
    static void writeTiledTiff() throws IOException {
        source = new BufferedImage(1500, 1100, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = source.createGraphics();
        g.setColor(new Color(242, 240, 245));
        g.fillRect(0, 0, source.getWidth(), source.getHeight());
        g.dispose();
        Random random = new Random(7);
        for (int y = 300; y < 700; y++) {
            for (int x = 200; x < 900; x++) {
                source.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        for (int y = 800; y < 1100; y++) {
            for (int x = 1000; x < 1500; x++) {
                source.setRGB(x, y, (x & 0xFF) << 16 | (y & 0xFF) << 8 | 0x80);
            }
        }
        slide = folder.resolve("glass.tif");
        writeTiled(source, slide, TILE);
    }

    static void writeTiled(BufferedImage image, Path file, int tile) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("tiff");
        ImageWriter writer = writers.next();
        while (!writer.getClass().getName().startsWith("com.sun.imageio") && writers.hasNext()) {
            writer = writers.next();
        }
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
        param.setTiling(tile, tile, 0, 0);
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        // LZW: the JDK writer's Deflate streams lack their last byte (TwelveMonkeys refuses them as truncated)
        param.setCompressionType("LZW");
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    @Test
    void subsampledReadsEqualTheSourceSampledOnTheSameGrid() {
        Rectangle[] regions = {new Rectangle(0, 0, 1500, 1100), new Rectangle(123, 77, 1301, 989),
                new Rectangle(129, 255, 640, 512)};
        try (OpenedImage opened = open()) {
            for (Rectangle region : regions) {
                for (int subsampling : new int[] {2, 5, 10, 37}) {
                    BufferedImage read = opened.readRegion(region, subsampling);
                    assertThat(read.getWidth()).isEqualTo((region.width + subsampling - 1) / subsampling);
                    assertThat(read.getHeight()).isEqualTo((region.height + subsampling - 1) / subsampling);
                    for (int y = 0; y < read.getHeight(); y++) {
                        for (int x = 0; x < read.getWidth(); x++) {
                            int expected = source.getRGB(region.x + x * subsampling, region.y + y * subsampling);
                            assertThat(read.getRGB(x, y)).as("%s s=%d at %d,%d", region, subsampling, x, y)
                                    .isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theGlassBlockIsDecodedOnceAndReusedEverywhereElse() {
        try (OpenedImage opened = open()) {
            opened.readRegion(new Rectangle(0, 0, 1500, 1100), 10);
            long[] counts = opened.repeatedBlockCounts(0);
            int blocks = 12 * 9;
            assertThat(counts[0] + counts[1]).isEqualTo(blocks);
            // tissue blocks (6 x 4 touched by the noise, 4 x 3 by the gradient, partly shared), edge blocks of the
            // glass (cut at the right and bottom) and the one interior glass block: the rest is reused
            assertThat(counts[1]).isGreaterThan(blocks / 2);
        }
    }

    @Test
    void fullResolutionReadsDoNotGoBlockByBlock() {
        try (OpenedImage opened = open()) {
            BufferedImage read = opened.readRegion(new Rectangle(100, 100, 900, 700), 1);
            assertThat(read.getRGB(150, 250)).isEqualTo(source.getRGB(250, 350));
            assertThat(opened.repeatedBlockCounts(0)).containsExactly(0, 0);
        }
    }

    @Test
    void blocksOfMoreThanAMegapixelAreNeverCopiedWhole() throws IOException {
        BufferedImage glass = new BufferedImage(4 * 1040, 4 * 1040, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = glass.createGraphics();
        g.setColor(new Color(242, 240, 245));
        g.fillRect(0, 0, glass.getWidth(), glass.getHeight());
        g.dispose();
        Path big = folder.resolve("big-tiles.tif");
        writeTiled(glass, big, 1040);
        try (OpenedImage opened = open(big)) {
            BufferedImage read = opened.readRegion(new Rectangle(0, 0, glass.getWidth(), glass.getHeight()), 16);
            assertThat(read.getRGB(100, 100)).isEqualTo(glass.getRGB(1600, 1600));
            assertThat(opened.repeatedBlockCounts(0)).containsExactly(16, 0);
        }
    }

    private static OpenedImage open() {
        return open(slide);
    }

    private static OpenedImage open(Path file) {
        try {
            return OpenedImage.open(file, ImageFormat.TIFF, Files.size(file), ImageLimits.DEFAULT);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
