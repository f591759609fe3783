package org.histoscope.inference.internal;

import java.util.Locale;
import org.histoscope.platform.PeopleText;
import java.util.OptionalDouble;
import org.histoscope.images.ImageInfo;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.PredictionRequest;

/**
 * The pixel size of an image to analyse and where it came from: the file's own (TIFF/SVS/OME resolution), else the
 * one stated at upload (objective or µm/px), else unknown. The model card states the training resolution; the image
 * is brought to it before tiling: a tile is {@code patch x model µm/px / image µm/px} image pixels, resampled to the
 * model's patch. An image of unknown pixel size is analysed as if it had the model's, and its result says so.
 *
 * @param imageMicrons the image's pixel size; empty when unknown
 * @param source       "the file" or "stated at upload"; null when unknown
 */
public record PixelSize(OptionalDouble imageMicrons, String source) {

    /** Microns per pixel at 40x objective magnification; other magnifications scale inversely. */
    public static final double MICRONS_AT_40X = 0.25;
    /** Within 2 % the image is taken as already at the model's resolution (no resampling). */
    private static final double SAME_RESOLUTION_TOLERANCE = 0.02;

    public static PixelSize resolve(ModelCard card, ImageInfo info, PredictionRequest request) {
        if (info.micronsPerPixel().isPresent()) {
            return new PixelSize(info.micronsPerPixel(), "the file");
        }
        if (request.magnification().isPresent()) {
            return new PixelSize(OptionalDouble.of(MICRONS_AT_40X * 40 / request.magnification().getAsDouble()),
                    "stated at upload");
        }
        if (request.defaultMicronsPerPixel() != null) {
            return new PixelSize(OptionalDouble.of(request.defaultMicronsPerPixel()), "the department's default");
        }
        return new PixelSize(OptionalDouble.empty(), null);
    }

    /** Side of one tile in image pixels: the model's patch at the model's resolution. */
    public int tileSide(ModelCard card) {
        int patch = card.input().width();
        if (card.micronsPerPixel() == null || imageMicrons.isEmpty()) {
            return patch;
        }
        double ratio = card.micronsPerPixel() / imageMicrons.getAsDouble();
        if (Math.abs(ratio - 1) <= SAME_RESOLUTION_TOLERANCE) {
            return patch;
        }
        return Math.max(1, (int) Math.round(patch * ratio));
    }

    /** The image's pixel size was unknown and the model's was assumed (only when the card states one). */
    public boolean assumed(ModelCard card) {
        return card.micronsPerPixel() != null && imageMicrons.isEmpty();
    }

    /**
     * What the result says about resolution, e.g. "0.2500 µm/px from the file, analysed at 4.0 µm/px" or
     * "pixel size unknown: assumed 4.0 µm/px"; null when the card states no training resolution.
     */
    public String note(ModelCard card) {
        if (card.micronsPerPixel() == null) {
            return null;
        }
        String model = trim(card.micronsPerPixel());
        if (imageMicrons.isEmpty()) {
            return "pixel size unknown: assumed " + model + " µm/px";
        }
        return String.format(Locale.ROOT, "%.4f µm/px (%s), analysed at %s µm/px", imageMicrons.getAsDouble(), source,
                model);
    }

    /**
     * The refusal of an image smaller than one model patch at the model's resolution (it would be mostly padding),
     * or null when it is large enough.
     */
    public PeopleText refusalIfSmallerThanOnePatch(ModelCard card, ImageInfo info) {
        int side = tileSide(card);
        if (info.width() >= side && info.height() >= side) {
            return null;
        }
        if (card.micronsPerPixel() == null) {
            return PeopleText.of("refusal.inference.too-small", info.width(), info.height(), side);
        }
        PeopleText imagePixelSize = imageMicrons.isEmpty() ? PeopleText.of("refusal.inference.pixel-size-assumed")
                : PeopleText.of("refusal.inference.pixel-size", imageMicrons.getAsDouble());
        return PeopleText.of("refusal.inference.too-small-at-resolution", info.width(), info.height(), side,
                card.micronsPerPixel(), imagePixelSize);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.format(Locale.ROOT, "%.1f", value) : String.valueOf(value);
    }
}
