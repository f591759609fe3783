package org.histoscope.inference;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.histoscope.images.RegionReader;
import org.histoscope.images.SafeImageInspector;
import org.histoscope.inference.internal.PixelSize;
import org.histoscope.inference.internal.WholeImagePredictor;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.internal.OnnxRuntimeEngine;

/**
 * Issue #22's magnification figure, measured through the app's own whole-image path (file tags read by
 * {@link SafeImageInspector}, {@link PixelSize}, the nearest pyramid level, {@link WholeImagePredictor}): each named
 * patient's patches are stitched at their x,y into one slide (4 µm/px, as the model was trained), and libvips makes
 * the same slide 4x enlarged with 1 µm/px tags (tiled TIFF) and 16x enlarged as a tiled JPEG pyramid with 0.25 µm/px
 * tags. All three are analysed; the per-tile AUC against the patch labels (raw and on the smoothed map the colours
 * show) and the absolute probability differences to the native slide are printed. A measurement, not a unit test: it
 * needs the IDC data folder and libvips ({@code benchmark/remagnified.sh}).
 *
 * <p>Usage: {@code RemagnifiedSlideCheck <IDC data folder with labels.csv> <work folder> <patient id>...}.
 */
public final class RemagnifiedSlideCheck {

    private static final int PATCH = StitchedSlides.PATCH;
    private static final double MODEL_MICRONS = 4.0;

    private record Variant(String name, double microns, int factor, Path file, int tileSide) {
    }

    private RemagnifiedSlideCheck() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        List<String> patients = Arrays.asList(args).subList(2, args.length);
        ModelCard card = ModelCards.read(TestModels.defaultPackage().resolve(ModelCards.CARD_FILE));
        if (card.micronsPerPixel() == null || Math.abs(card.micronsPerPixel() - MODEL_MICRONS) > 1e-9) {
            throw new IllegalStateException("the check assumes a model card at 4 µm/px");
        }
        List<List<double[]>> scoredPerVariant = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<double[]>> smoothedPerVariant = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<List<Double>> differences = List.of(new ArrayList<>(), new ArrayList<>());
        OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);
        try {
            LoadedModel model = engine.load(card, TestModels.defaultPackage().resolve(ModelCards.MODEL_FILE),
                    card.sha256());
            SafeImageInspector inspector = new SafeImageInspector();
            System.out.println("patient  variant                      file MB  tile side  level tiles scored  seconds");
            for (String patient : patients) {
                Stitched stitched = stitch(data, patient);
                List<Variant> variants = makeVariants(work, patient, stitched.image());
                List<float[]> grids = new ArrayList<>();
                for (Variant variant : variants) {
                    long started = System.nanoTime();
                    WholeImagePredictor.Result result;
                    int tileSide;
                    try (RegionReader reader = inspector.open(variant.file())) {
                        tileSide = PixelSize.resolve(card, reader.info(), PredictionRequest.auto()).tileSide(card);
                        result = new WholeImagePredictor(model, engine.settings(), inspector.maxFullDecodePixels())
                                .run(reader, tileSide, ProgressListener.NONE);
                    }
                    if (result.columns() != stitched.columns() || result.rows() != stitched.rows()) {
                        throw new IllegalStateException(variant.name() + ": grid " + result.columns() + "x"
                                + result.rows() + " instead of " + stitched.columns() + "x" + stitched.rows());
                    }
                    grids.add(result.grid());
                    long scored = countScored(result.grid());
                    System.out.printf(Locale.ROOT, "%-8s %-28s %7.1f  %9d  %10d  %7.1f%n", patient, variant.name(),
                            Files.size(variant.file()) / 1e6, tileSide, scored, (System.nanoTime() - started) / 1e9);
                }
                collect(stitched, grids, scoredPerVariant, smoothedPerVariant, differences);
            }
        } finally {
            engine.close();
        }
        report(scoredPerVariant, smoothedPerVariant, differences);
    }

    private record Stitched(BufferedImage image, int columns, int rows, int[] labels) {
    }

    /** The patient's patches at their tiles on white glass; labels per tile, -1 where there is no patch. */
    private static Stitched stitch(Path data, String patient) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(data.resolve("labels.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");   // id,label,patient_id,x,y,file,...
            if (f[2].equals(patient)) {
                rows.add(f);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no patches of patient " + patient);
        }
        int columns = rows.stream().mapToInt(r -> (Integer.parseInt(r[3]) - 1) / PATCH).max().orElseThrow() + 1;
        int height = rows.stream().mapToInt(r -> (Integer.parseInt(r[4]) - 1) / PATCH).max().orElseThrow() + 1;
        BufferedImage slide = new BufferedImage(columns * PATCH, height * PATCH, BufferedImage.TYPE_INT_RGB);
        int[] white = new int[slide.getWidth()];
        Arrays.fill(white, 0xFFFFFF);
        for (int y = 0; y < slide.getHeight(); y++) {
            slide.setRGB(0, y, slide.getWidth(), 1, white, 0, slide.getWidth());
        }
        int[] labels = new int[columns * height];
        Arrays.fill(labels, -1);
        SafeImageInspector inspector = new SafeImageInspector();
        for (String[] r : rows) {
            int column = (Integer.parseInt(r[3]) - 1) / PATCH;
            int row = (Integer.parseInt(r[4]) - 1) / PATCH;
            BufferedImage patch = inspector.readWhole(data.resolve(r[5]));
            slide.getGraphics().drawImage(patch, column * PATCH, row * PATCH, null);
            labels[row * columns + column] = Integer.parseInt(r[1]);
        }
        return new Stitched(slide, columns, height, labels);
    }

    private static List<Variant> makeVariants(Path work, String patient, BufferedImage slide) throws Exception {
        Path nativeTif = work.resolve(patient + "-native-4um.tif");
        Path x4 = work.resolve(patient + "-x4-1um.tif");
        Path x16 = work.resolve(patient + "-x16-0.25um-jpeg-pyramid.tif");
        List<Variant> variants = List.of(new Variant("native 4 µm/px", 4, 1, nativeTif, PATCH),
                new Variant("4x, 1 µm/px tags", 1, 4, x4, PATCH * 4),
                new Variant("16x JPEG pyramid, 0.25 µm/px", 0.25, 16, x16, PATCH * 16));
        if (Boolean.getBoolean("remagnified.reuse") && Files.exists(nativeTif) && Files.exists(x4) && Files.exists(x16)) {
            return variants;   // made by an earlier run from the same data (libvips takes minutes per patient)
        }
        Path png = work.resolve(patient + "-stitched.png");
        ImageIO.write(slide, "png", png.toFile());
        // vips resolution is in pixels per millimetre: 4 µm/px = 250, 1 µm/px = 1000, 0.25 µm/px = 4000
        vips("copy", png.toString(), nativeTif + "[tile,compression=deflate]", "--xres", "250", "--yres", "250");
        Path x4v = work.resolve(patient + "-x4.v");
        vips("resize", png.toString(), x4v.toString(), "4", "--kernel", "cubic");
        vips("tiffsave", x4v.toString(), x4.toString(), "--tile", "--compression", "deflate", "--xres", "1000",
                "--yres", "1000");
        Files.delete(x4v);
        Path x16v = work.resolve(patient + "-x16.v");
        vips("resize", png.toString(), x16v.toString(), "16", "--kernel", "cubic");
        vips("tiffsave", x16v.toString(), x16.toString(), "--tile", "--pyramid", "--compression", "jpeg", "--Q", "85",
                "--xres", "4000", "--yres", "4000");
        Files.delete(x16v);
        return variants;
    }

    private static void vips(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("vips");
        command.addAll(Arrays.asList(arguments));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IOException("vips failed: " + String.join(" ", command));
        }
    }

    private static long countScored(float[] grid) {
        long n = 0;
        for (float p : grid) {
            n += Float.isNaN(p) ? 0 : 1;
        }
        return n;
    }

    /** Tiles with a patch that all three variants scored; smoothing as the heatmap colours show. */
    private static void collect(Stitched stitched, List<float[]> grids, List<List<double[]>> scored,
                                List<List<double[]>> smoothed, List<List<Double>> differences) {
        List<float[]> smooth = grids.stream().map(g -> WholeSlideScoring.smooth(g, stitched.columns(),
                stitched.rows(), WholeSlideScoring.SIGMA_TILES)).toList();
        for (int i = 0; i < stitched.labels().length; i++) {
            int index = i;
            if (stitched.labels()[i] < 0 || grids.stream().anyMatch(g -> Float.isNaN(g[index]))) {
                continue;
            }
            for (int v = 0; v < grids.size(); v++) {
                scored.get(v).add(new double[] {grids.get(v)[i], stitched.labels()[i]});
                smoothed.get(v).add(new double[] {smooth.get(v)[i], stitched.labels()[i]});
            }
            differences.get(0).add((double) Math.abs(grids.get(0)[i] - grids.get(1)[i]));
            differences.get(1).add((double) Math.abs(grids.get(0)[i] - grids.get(2)[i]));
        }
    }

    private static void report(List<List<double[]>> scored, List<List<double[]>> smoothed,
                               List<List<Double>> differences) {
        String[] names = {"native 4 µm/px", "4x, 1 µm/px tags", "16x JPEG pyramid, 0.25 µm/px"};
        System.out.printf(Locale.ROOT, "%n| variant | tiles | per-tile AUC (raw) | per-tile AUC (smoothed σ %.0f) "
                + "| median abs. diff. to native | 90th pct |%n|---|---|---|---|---|---|%n", WholeSlideScoring.SIGMA_TILES);
        for (int v = 0; v < names.length; v++) {
            String diff = v == 0 ? "–" : String.format(Locale.ROOT, "%.4f", percentile(differences.get(v - 1), 0.5));
            String p90 = v == 0 ? "–" : String.format(Locale.ROOT, "%.4f", percentile(differences.get(v - 1), 0.9));
            System.out.printf(Locale.ROOT, "| %s | %d | %.4f | %.4f | %s | %s |%n", names[v], scored.get(v).size(),
                    StitchedSlides.auc(scored.get(v)), StitchedSlides.auc(smoothed.get(v)), diff, p90);
        }
    }

    private static double percentile(List<Double> values, double q) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * q))];
    }
}
