package org.histoscope.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.histoscope.inference.internal.Overlays;

/**
 * The one heatmap colour scheme: the viewer's palette, the on-screen legend's gradient and the PDF legend are the
 * colours the server draws heatmaps with, and the PDF legend marks the threshold and the grey zone where they are.
 */
class HeatmapScaleTest {

    @Test
    void thePaletteTheGradientAndTheOverlaysAgree() {
        String[] palette = HeatmapScale.palette();
        assertThat(palette).hasSize(HeatmapScale.PALETTE_STEPS);
        assertThat(palette[0]).isEqualTo("#0000ff");
        assertThat(palette[palette.length - 1]).isEqualTo("#ff0000");
        for (int i = 0; i < palette.length; i += 17) {
            double p = i / (double) (palette.length - 1);
            assertThat(palette[i]).isEqualTo(HeatmapScale.hex(Overlays.probabilityColour(p, 140)));
        }
        String gradient = HeatmapScale.cssGradient();
        assertThat(gradient).startsWith("linear-gradient(to right, #0000ff 0%").endsWith("#ff0000 100%)")
                .contains(HeatmapScale.hex(HeatmapScale.rgb(0.5)) + " 50%");
    }

    @Test
    void theLegendPictureMarksTheThresholdAndTheGreyZone() throws Exception {
        int width = 401;
        int height = 30;
        BufferedImage legend = ImageIO.read(new ByteArrayInputStream(
                HeatmapScale.legendPng(width, height, 0.75, 0.2, 0.4)));
        int bar = height / 3;
        // the bar in the scale's colours away from the marks
        assertThat(legend.getRGB(100, bar) & 0xFFFFFF).isEqualTo(HeatmapScale.rgb(100 / (double) (width - 1)));
        // the threshold: a black line with a white core at 0.75
        int x = 300;
        assertThat(legend.getRGB(x, bar) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(legend.getRGB(x + 1, bar) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(legend.getRGB(x, height - 2) & 0xFFFFFF).isEqualTo(0x000000);
        // the grey zone: a grey band under the bar from 0.2 to 0.4 only
        assertThat(legend.getRGB(120, height - 2) & 0xFFFFFF).isEqualTo(HeatmapScale.GREY_ZONE_RGB);
        assertThat(legend.getRGB(40, height - 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(legend.getRGB(200, height - 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        // without marks: only the bar
        BufferedImage plain = ImageIO.read(new ByteArrayInputStream(HeatmapScale.legendPng(width, height)));
        assertThat(plain.getRGB(x, height - 2) & 0xFFFFFF).isEqualTo(HeatmapScale.rgb(x / (double) (width - 1)));
    }
}
