package org.histoscope.benchmark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.nio.file.Path;

/** The big slides the benchmarks run on, generated from the committed real slide region (nothing downloaded). */
final class BenchmarkSlides {

    /** Where the copies of the real slide sit on the 30000 x 30000 glass. */
    static final int SIZE = 30_000;
    static final int[][] ORIGINS = {{1000, 1000}, {15000, 4000}, {6000, 16000}, {22000, 24000}};

    private BenchmarkSlides() {
    }

    /** A 30000 x 30000 tiled (512) Deflate TIFF: white glass with copies of the real slide pasted on a grid. */
    static int writeFlatTiff(Path file, BufferedImage slide) throws IOException {
        int size = SIZE;
        int[] pixels = ((DataBufferInt) slide.getRaster().getDataBuffer()).getData();
        int sw = slide.getWidth();
        int sh = slide.getHeight();
        int[][] origins = ORIGINS;
        TiledTiffWriter.write(file, size, size, 512, (left, top, tile, rgb) -> {
            java.util.Arrays.fill(rgb, (byte) 0xF2); // glass
            for (int[] origin : origins) {
                for (int y = 0; y < tile; y++) {
                    int sy = top + y - origin[1];
                    if (sy < 0 || sy >= sh) {
                        continue;
                    }
                    for (int x = 0; x < tile; x++) {
                        int sx = left + x - origin[0];
                        if (sx < 0 || sx >= sw || left + x >= size) {
                            continue;
                        }
                        int p = pixels[sy * sw + sx];
                        int i = (y * tile + x) * 3;
                        rgb[i] = (byte) (p >> 16);
                        rgb[i + 1] = (byte) (p >> 8);
                        rgb[i + 2] = (byte) p;
                    }
                }
            }
        });
        return origins.length;
    }


    /**
     * The same slide as an Aperio-like pyramid SVS: JPEG tiles of 240 pixels and halving levels written by libvips
     * (Debian's {@code libvips-tools}), with an Aperio description carrying the pixel size ({@code tiffset}, from
     * {@code libtiff-tools}). The pixel size is the model's (4 um, apparent magnification 2.5x), as the slide is made
     * of IDC patches at that resolution: with a 40x pixel size the prediction would cut 794-pixel tiles from the
     * 1/16 level and classify a sixteenth of the tiles of the single-level TIFF, not the same work.
     */
    static void writePyramidSvs(Path flat, Path svs) throws IOException, InterruptedException {
        run("vips", "tiffsave", flat.toString(), svs.toString(), "--tile", "--tile-width", "240", "--tile-height", "240",
                "--pyramid", "--compression", "jpeg", "--Q", "90");
        run("tiffset", "-s", "270", "Aperio Image Library v12.0.15 \r\n" + SIZE + "x" + SIZE + " [0,0 " + SIZE + "x"
                + SIZE + "] (240x240) JPEG/RGB Q=90|AppMag = 2.5|MPP = 4.0000", svs.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (install libvips-tools and libtiff-tools)");
        }
    }
}
