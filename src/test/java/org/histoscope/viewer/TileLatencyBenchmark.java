package org.histoscope.viewer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.viewer.internal.ViewerSettings;

/**
 * Deep-zoom tile latency (not a test): renders 256-px tiles of a slide as the endpoint does (open, read the level,
 * encode JPEG), first uncached (a fresh cache), then again from the disk cache, and prints median and p95.
 *
 * <p>Usage: {@code benchmark/tiles.sh <slide> [tiles per level]}.
 */
public final class TileLatencyBenchmark {

    private TileLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path slide = Path.of(args[0]);
        int perLevel = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Path cache = Files.createTempDirectory("tile-bench");
        DeepZoomTiler tiler = new DeepZoomTiler(new SafeImageInspector(), new ViewerSettings(cache, null, null));
        DeepZoomLayout layout = tiler.layout(slide);
        String digest = "0".repeat(64);
        System.out.printf(Locale.ROOT, "%s: %d x %d, DZI levels 0-%d%n", slide.getFileName(), layout.width(),
                layout.height(), layout.maxLevel());
        Random random = new Random(42);
        List<int[]> tiles = new ArrayList<>();
        for (int level = layout.maxLevel(); level >= Math.max(0, layout.maxLevel() - 4); level--) {
            int columns = (layout.levelWidth(level) + 255) / 256;
            int rows = (layout.levelHeight(level) + 255) / 256;
            for (int i = 0; i < Math.min(perLevel, columns * rows); i++) {
                tiles.add(new int[] {level, random.nextInt(columns), random.nextInt(rows)});
            }
        }
        Collections.shuffle(tiles, random);
        tiler.tile(slide, digest, layout.maxLevel(), 0, 0); // warm-up (class loading, JIT)
        report("uncached", measure(tiler, slide, digest, tiles), tiles.size());
        report("from the disk cache", measure(tiler, slide, digest, tiles), tiles.size());
        System.out.printf(Locale.ROOT, "cache holds %.1f MB%n", tiler.cachedBytes() / 1e6);
    }

    private static double[] measure(DeepZoomTiler tiler, Path slide, String digest, List<int[]> tiles) {
        double[] millis = new double[tiles.size()];
        for (int i = 0; i < tiles.size(); i++) {
            int[] t = tiles.get(i);
            long started = System.nanoTime();
            tiler.tile(slide, digest, t[0], t[1], t[2]);
            millis[i] = (System.nanoTime() - started) / 1e6;
        }
        return millis;
    }

    private static void report(String what, double[] millis, int count) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-20s %d tiles: median %.1f ms, p95 %.1f ms, max %.1f ms%n", what, count,
                sorted[sorted.length / 2], sorted[(int) Math.ceil(sorted.length * 0.95) - 1],
                sorted[sorted.length - 1]);
    }
}
