package org.histoscope.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.histoscope.images.fixtures.SlideFixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scanner and pyramid formats of {@code images/formats/} (made by {@code make-fixtures.sh} from one known colour
 * source): size, pixel size, pyramid levels without label and macro pages, and colours at every level compared
 * with the source; forged pyramids are refused before any pixel is decoded.
 */
class SlideFormatsTest {

    private static final int JPEG_TOLERANCE = 10;

    private final SafeImageInspector inspector = new SafeImageInspector();

    @ParameterizedTest
    @ValueSource(strings = {"aperio-jpeg.svs", "aperio-j2k-ycbcr-33003.svs", "aperio-j2k-rgb-33005.svs",
            "pyramid-deflate.tif", "bigtiff-jpeg.tif", "bigtiff-deflate.tif", "ome.ome.tif"})
    void decodesToTheSourceColoursWithItsSizeAndPixelSize(String name) {
        try (RegionReader reader = inspector.open(fixture(name))) {
            ImageInfo info = reader.info();
            assertThat(info.format()).isEqualTo(ImageFormat.TIFF);
            assertThat(info.width()).isEqualTo(768);
            assertThat(info.height()).isEqualTo(512);
            assertThat(info.micronsPerPixel()).as("pixel size of " + name).isPresent();
            assertThat(info.micronsPerPixel().getAsDouble()).isCloseTo(SlideFixtures.MICRONS_PER_PIXEL, within(0.001));
            BufferedImage full = reader.readRegion(new Rectangle(0, 0, 768, 512), 1);
            assertBlockColours(full, 1, name + " level 0");
            for (SlideLevel level : reader.levels()) {
                BufferedImage whole = reader.readLevelRegion(level.index(),
                        new Rectangle(0, 0, level.width(), level.height()), 1);
                assertThat(whole.getWidth()).isEqualTo(level.width());
                assertBlockColours(whole, level.downsample(), name + " level " + level.index());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"aperio-jpeg.svs", "aperio-j2k-ycbcr-33003.svs", "aperio-j2k-rgb-33005.svs"})
    void svsLevelsAreTheFilesPyramidWithoutLabelAndMacro(String name) {
        try (RegionReader reader = inspector.open(fixture(name))) {
            // pages: 0 base 768, 1 thumbnail 96, 2 level 384, 3 label 200x180, 4 macro 300x200 (same aspect as the slide)
            assertThat(reader.info().pageIndex()).isZero();
            assertThat(reader.info().pages()).isEqualTo(5);
            List<Integer> widths = reader.levels().stream().map(SlideLevel::width).toList();
            assertThat(widths).containsExactly(768, 384, 96);
            assertThat(reader.levels().get(1).downsample()).isEqualTo(2.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pyramid-deflate.tif", "bigtiff-jpeg.tif", "bigtiff-deflate.tif"})
    void genericPyramidsExposeTheirLevels(String name) {
        try (RegionReader reader = inspector.open(fixture(name))) {
            assertThat(reader.levels().stream().map(SlideLevel::width).toList()).startsWith(768, 384, 192);
        }
    }

    @org.junit.jupiter.api.Test
    void subsampledReadsOfJpeg2000TilesMatchTheFullRead() {
        try (RegionReader reader = inspector.open(fixture("aperio-j2k-ycbcr-33003.svs"))) {
            BufferedImage full = reader.readRegion(new Rectangle(100, 60, 400, 300), 1);
            BufferedImage sub = reader.readRegion(new Rectangle(100, 60, 400, 300), 3);
            assertThat(sub.getWidth()).isEqualTo(134);
            assertThat(sub.getHeight()).isEqualTo(100);
            for (int y = 0; y < sub.getHeight(); y += 7) {
                for (int x = 0; x < sub.getWidth(); x += 7) {
                    assertThat(sub.getRGB(x, y)).isEqualTo(full.getRGB(3 * x, 3 * y));
                }
            }
        }
    }

    /**
     * A BigTIFF with Deflate tiles is read by TwelveMonkeys, whose region and subsampled reads of such tiles fail
     * (images.TiledBands reads them through full-width bands): every region and subsampling gives the same pixels as
     * the same lossless pyramid written as a classic TIFF, which the JDK reads.
     */
    @org.junit.jupiter.api.Test
    void regionsOfABigTiffWithDeflateTilesAreThePixelsOfTheClassicTiff() {
        try (RegionReader big = inspector.open(fixture("bigtiff-deflate.tif"));
             RegionReader classic = inspector.open(fixture("pyramid-deflate.tif"))) {
            for (int level = 0; level < 2; level++) {
                for (Rectangle region : List.of(new Rectangle(0, 0, 128, 128), new Rectangle(37, 61, 300, 211),
                        new Rectangle(130, 250, 638, 262), new Rectangle(0, 0, 768, 512))) {
                    for (int subsampling : new int[] {1, 3, 4}) {
                        BufferedImage expected = classic.readLevelRegion(level, region, subsampling);
                        BufferedImage actual = big.readLevelRegion(level, region, subsampling);
                        String what = "level " + level + " " + region + " subsampling " + subsampling;
                        assertThat(actual.getWidth()).as(what).isEqualTo(expected.getWidth());
                        assertThat(actual.getHeight()).as(what).isEqualTo(expected.getHeight());
                        for (int y = 0; y < expected.getHeight(); y++) {
                            for (int x = 0; x < expected.getWidth(); x++) {
                                assertThat(actual.getRGB(x, y)).as(what + " at " + x + "," + y)
                                        .isEqualTo(expected.getRGB(x, y));
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A tiled slide is read tile by tile, mostly from a smaller level, so a 40x scan far beyond the whole-image pixel
     * limit (here 100,000 pixels) is accepted up to the tiled limit; the same pixels as a PNG are not.
     */
    @org.junit.jupiter.api.Test
    void tiledSlidesHaveTheirOwnPixelLimitAboveTheWholeImageOne() {
        SafeImageInspector smallImages = new SafeImageInspector(new ImageLimits(null, 100_000L, 600, null));
        try (RegionReader reader = smallImages.open(fixture("pyramid-deflate.tif"))) {
            assertThat(reader.info().width() * reader.info().height()).isGreaterThan(100_000);
        }
        assertThatThrownBy(() -> smallImages.open(fixture("colour-source.png")))
                .isInstanceOf(ImageRejectedException.class).hasMessageContaining("at most 100,000 are accepted");
        SafeImageInspector smallSlides = new SafeImageInspector(
                new ImageLimits(null, null, null, null, null, null, null, null, null, 100_000L, null));
        assertThatThrownBy(() -> smallSlides.open(fixture("bigtiff-deflate.tif")))
                .isInstanceOf(ImageRejectedException.class).hasMessageContaining("The slide has 393,216 pixels");
    }

    @org.junit.jupiter.api.Test
    void aPyramidLevelThatLiesAboutItsSizeIsRefused() {
        assertThatThrownBy(() -> inspector.inspect(fixture("hostile-level-lies-about-size.svs")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("declares 1536 x 1024 pixels but holds 6 of the 96 image blocks");
    }

    @org.junit.jupiter.api.Test
    void tileOffsetsPastTheEndAreRefused() {
        assertThatThrownBy(() -> inspector.inspect(fixture("hostile-tile-offsets-past-end.svs")))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("damaged").extracting(e -> ((ImageRejectedException) e).reason())
                .isEqualTo(ImageRejectedException.Reason.CORRUPT);
    }

    /**
     * Smaller pyramid levels, their JPEG 2000 tiles and previews from them cost decoding too: every read is charged to
     * the one budget of the opened image, so a viewer or preview cannot decode without bound where level 0 could not.
     */
    @ParameterizedTest
    @ValueSource(strings = {"aperio-jpeg.svs", "aperio-j2k-rgb-33005.svs", "pyramid-deflate.tif"})
    void readsOfEveryLevelAreChargedToTheDecodeBudget(String name) {
        // budget = the configured bytes here: the image is far smaller than the 256 MiB relative floor
        SafeImageInspector budgeted = new SafeImageInspector(ImageLimits.DEFAULT.withCosts(null, null, null, 2_000_000L));
        try (RegionReader reader = budgeted.open(fixture(name))) {
            SlideLevel level = reader.levels().get(1);
            Rectangle whole = new Rectangle(0, 0, level.width(), level.height());
            long before = reader.decodeBudgetLeft();
            reader.readLevelRegion(1, whole, 1);
            long afterLevelRead = reader.decodeBudgetLeft();
            assertThat(afterLevelRead).as("budget after reading level 1").isLessThan(before);
            reader.preview(96);
            assertThat(reader.decodeBudgetLeft()).as("budget after a preview from a small level").isLessThan(afterLevelRead);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 100; i++) {
                    reader.readLevelRegion(1, whole, 1);
                }
            }).isInstanceOf(ImageRejectedException.class)
                    .extracting(e -> ((ImageRejectedException) e).reason())
                    .isEqualTo(ImageRejectedException.Reason.TOO_COSTLY_TO_DECODE);
        }
    }

    /** The centre 40 x 40 of every block (away from edges and the nucleus disc) has the block's colour on average. */
    private static void assertBlockColours(BufferedImage image, double downsample, String what) {
        int blockWidth = (int) (192 / downsample);
        int blockHeight = (int) (256 / downsample);
        int half = (int) Math.max(1, 20 / downsample);
        for (int i = 0; i < SlideFixtures.BLOCK_COLOURS.length; i++) {
            int cx = (i % 4) * blockWidth + blockWidth / 2 + (int) (20 / downsample);
            int cy = (i / 4) * blockHeight + blockHeight / 2 + (int) (20 / downsample);
            long[] sum = new long[3];
            int n = 0;
            for (int y = cy - half; y < cy + half; y++) {
                for (int x = cx - half; x < cx + half; x++) {
                    int rgb = image.getRGB(x, y);
                    sum[0] += (rgb >> 16) & 0xFF;
                    sum[1] += (rgb >> 8) & 0xFF;
                    sum[2] += rgb & 0xFF;
                    n++;
                }
            }
            int expected = SlideFixtures.BLOCK_COLOURS[i];
            int[] want = {(expected >> 16) & 0xFF, (expected >> 8) & 0xFF, expected & 0xFF};
            for (int c = 0; c < 3; c++) {
                assertThat((double) sum[c] / n).as("%s block %d channel %d", what, i, c)
                        .isCloseTo(want[c], within((double) JPEG_TOLERANCE));
            }
        }
    }

    static Path fixture(String name) {
        try {
            return Path.of(SlideFormatsTest.class.getResource("/images/formats/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
