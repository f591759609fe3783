package org.histoscope.inference;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageInspector;
import org.histoscope.images.RegionReader;
import org.histoscope.security.Roles;
import org.histoscope.inference.internal.TissueDetector;
import org.histoscope.inference.internal.TissueScreen;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.PixelSize;
import org.springframework.stereotype.Service;

/**
 * At the door of an upload, the refusals a prediction job would otherwise reach after the file was stored, so that
 * an image is never queued that could not be scored: an image smaller than one model patch once brought to the
 * model's resolution (e.g. 50 x 50 pixels at 4 µm/px), then an image without tissue. It asks the same questions the
 * job asks, with the active model read once for both: the tile side at the model's resolution
 * ({@link DefaultInferenceService#tileSide}), patch or whole-image mode, and the tissue rules ({@link TissueDetector},
 * {@link TissueScreen}). Where it cannot answer cheaply (no active model; a huge image without pyramid levels) it
 * lets the file in and the job decides.
 */
@Service
@RolesAllowed(Roles.PATHOLOGIST)
public class UploadScreening {

    private final ImageInspector inspector;
    private final ModelCatalog catalog;
    private final InferenceSettings settings;

    UploadScreening(ImageInspector inspector, ModelCatalog catalog, InferenceSettings settings) {
        this.inspector = inspector;
        this.catalog = catalog;
        this.settings = settings;
    }

    /**
     * Why the image cannot be analysed, written for people, or empty when it can (or when only its job can tell).
     * Size first: an image smaller than one patch at the model's resolution has no tile to look for tissue in.
     *
     * @param inspected what the inspection of the file found
     * @param request   the request the upload's job will make (stated magnification, department's default)
     */
    @RolesAllowed(Roles.PATHOLOGIST)
    public Optional<PeopleText> refusal(Path image, ImageInfo inspected, PredictionRequest request) {
        Optional<ModelDescriptor> active = catalog.activeModel();
        if (active.isEmpty()) {
            return Optional.empty(); // the job will say that no model is active
        }
        ModelCard card = active.get().card();
        PeopleText tooSmall = PixelSize.resolve(card, inspected, request).refusalIfSmallerThanOnePatch(card, inspected);
        if (tooSmall != null) {
            return Optional.of(tooSmall);
        }
        try (RegionReader reader = inspector.open(image)) {
            ImageInfo info = reader.info();
            int tileSide = DefaultInferenceService.tileSide(card, info, request);
            boolean tissue = DefaultInferenceService.chooseMode(PredictionMode.AUTO, info, card, tileSide)
                    == PredictionMode.PATCH ? patchHasTissue(reader, card) : anyTissueTile(reader, tileSide);
            return tissue ? Optional.empty() : Optional.of(PeopleText.of("refusal.inference.upload-no-tissue"));
        }
    }

    /** As the patch prediction: the centred crop of one model input must hold a tissue pixel. */
    private boolean patchHasTissue(RegionReader reader, ModelCard card) {
        ImageInfo info = reader.info();
        int left = Math.max(0, (info.width() - card.input().width()) / 2);
        int top = Math.max(0, (info.height() - card.input().height()) / 2);
        BufferedImage patch = reader.readRegion(new Rectangle(left, top, Math.min(info.width(), card.input().width()),
                Math.min(info.height(), card.input().height())), 1);
        return new TissueDetector(settings.tissueMinFraction()).tissueFraction(patch) > 0;
    }

    /**
     * As the whole-image prediction: an image decoded whole must have a tissue tile; a larger one with pyramid levels
     * a candidate tile of the tissue screen (which only ever errs towards tissue). A larger one without levels would
     * have to be read whole at the door, so it is let in.
     */
    private boolean anyTissueTile(RegionReader reader, int tileSide) {
        ImageInfo info = reader.info();
        int columns = (info.width() + tileSide - 1) / tileSide;
        int rows = (info.height() + tileSide - 1) / tileSide;
        if (info.pixelCount() <= inspector.maxFullDecodePixels()) {
            BufferedImage whole = reader.readRegion(new Rectangle(0, 0, info.width(), info.height()), 1);
            TissueDetector detector = new TissueDetector(settings.tissueMinFraction());
            for (int row = 0; row < rows; row++) {
                for (int column = 0; column < columns; column++) {
                    if (detector.isTissue(whole, column * tileSide, row * tileSide, tileSide, tileSide)) {
                        return true;
                    }
                }
            }
            return false;
        }
        TissueScreen screen = new TissueScreen(reader, tileSide, columns, rows);
        if (screen.source().level() == 0) {
            return true;
        }
        for (boolean candidate : screen.candidates(0, rows)) {
            if (candidate) {
                return true;
            }
        }
        return false;
    }
}
