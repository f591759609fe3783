package org.histoscope.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.viewer.internal.TileDiskCache;
import org.histoscope.viewer.internal.ViewerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tile pixels before JPEG encoding equal direct reads: from the file's own pyramid level when one has the DZI
 * level's scale, subsampled from the nearest more detailed level otherwise; and the disk cache keeps its limit.
 */
class DeepZoomTilerTest {

    @Test
    void tilesOfAPyramidComeFromTheMatchingFileLevel() throws Exception {
        try (RegionReader reader = new SafeImageInspector().open(fixture("pyramid-deflate.tif"))) {
            DeepZoomLayout layout = new DeepZoomLayout(768, 512);
            assertThat(layout.maxLevel()).isEqualTo(10);
            assertSame(DeepZoomTiler.render(reader, layout, 10, 2, 1),
                    reader.readRegion(new Rectangle(512, 256, 256, 256), 1));
            // level 9 = half size = the file's 384 x 256 page
            assertSame(DeepZoomTiler.render(reader, layout, 9, 1, 0),
                    reader.readLevelRegion(1, new Rectangle(256, 0, 128, 256), 1));
            // level 5 = 1/32: the file's smallest page (1/8) subsampled by 4
            assertSame(DeepZoomTiler.render(reader, layout, 5, 0, 0),
                    reader.readLevelRegion(3, new Rectangle(0, 0, 96, 64), 4));
        }
    }

    @Test
    void withoutAPyramidLevelsAreSubsampledOnTheFly() throws Exception {
        try (RegionReader reader = new SafeImageInspector().open(fixture("ome.ome.tif"))) {
            assertThat(reader.levels()).hasSize(1);
            DeepZoomLayout layout = new DeepZoomLayout(768, 512);
            assertSame(DeepZoomTiler.render(reader, layout, 9, 1, 0),
                    reader.readRegion(new Rectangle(512, 0, 256, 512), 2));
            assertSame(DeepZoomTiler.render(reader, layout, 7, 0, 0),
                    reader.readRegion(new Rectangle(0, 0, 768, 512), 8));
        }
    }

    @Test
    void servedTilesAreTheRenderedPixelsAndRepeatedRequestsReuseTheOpenedFile(@TempDir Path cache) throws Exception {
        Path slide = fixture("aperio-jpeg.svs");
        DeepZoomTiler tiler = new DeepZoomTiler(new SafeImageInspector(), new ViewerSettings(cache, null, 1.0));
        DeepZoomLayout layout = tiler.layout(slide);
        try (RegionReader reader = new SafeImageInspector().open(slide)) {
            for (int[] t : new int[][] {{10, 0, 0}, {10, 2, 1}, {9, 1, 0}, {8, 0, 0}, {10, 1, 1}}) {
                byte[] jpeg = tiler.tile(slide, "b".repeat(64), t[0], t[1], t[2]).orElseThrow();
                BufferedImage served = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
                BufferedImage expected = DeepZoomTiler.render(reader, layout, t[0], t[1], t[2]);
                assertThat(served.getWidth()).isEqualTo(expected.getWidth());
                assertThat(meanDifference(served, expected)).as("tile %d/%d_%d", t[0], t[1], t[2]).isLessThan(3);
            }
        }
        assertThat(tiler.tile(slide, "b".repeat(64), 10, 3, 0)).isEmpty();
        assertThat(tiler.tile(slide, "b".repeat(64), 11, 0, 0)).isEmpty();
    }

    private static double meanDifference(BufferedImage a, BufferedImage b) {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((a.getRGB(x, y) >> shift) & 0xFF) - ((b.getRGB(x, y) >> shift) & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    @Test
    void theTileCacheStaysWithinItsLimit(@TempDir Path directory) {
        TileDiskCache cache = new TileDiskCache(directory, 10_000);
        String digest = "a".repeat(64);
        for (int i = 0; i < 30; i++) {
            cache.put(digest + "/10/" + i + "_0.jpg", new byte[1000]);
        }
        assertThat(cache.totalBytes()).isLessThanOrEqualTo(10_000);
        assertThat(cache.get(digest + "/10/29_0.jpg")).isPresent();
        assertThat(cache.get(digest + "/10/0_0.jpg")).isEqualTo(Optional.empty());
    }

    private static void assertSame(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(actual.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(expected.getRGB(x, y));
            }
        }
    }

    private static Path fixture(String name) throws Exception {
        Path path = Path.of(DeepZoomTilerTest.class.getResource("/images/formats/" + name).toURI());
        assertThat(Files.exists(path)).isTrue();
        return path;
    }
}
