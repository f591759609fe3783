package org.histoscope.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.histoscope.images.ImageFormat;
import org.histoscope.images.ImageInfo;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.images.RegionReader;
import org.histoscope.inference.internal.InferenceSettings;
import org.histoscope.inference.internal.LoadedModel;
import org.histoscope.inference.ModelCard;
import org.histoscope.inference.ModelCards;
import org.histoscope.inference.internal.OnnxRuntimeEngine;
import org.histoscope.inference.ProgressListener;
import org.histoscope.inference.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Decoding runs on its own thread: what stops it (a damaged block in the middle of a slide) reaches the caller as
 * the same clear refusal, the thread ends, and progress is still reported row by row.
 */
class TileFeederTest {

    private static final OnnxRuntimeEngine engine = new OnnxRuntimeEngine(InferenceSettings.DEFAULT);

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void aDamagedRegionInTheMiddleOfASlideIsRefusedWithItsOwnMessageAndTheDecoderStops() throws Exception {
        LoadedModel model = model();
        ImageRejectedException damaged = new ImageRejectedException(ImageRejectedException.Reason.CORRUPT,
                "The TIFF image is damaged: its pixel data could not be decoded.");
        FakeSlide slide = new FakeSlide(4000, 3000, 3, damaged);
        WholeImagePredictor predictor = new WholeImagePredictor(model, engine.settings(), 1_000_000);
        assertThatThrownBy(() -> predictor.run(slide, 50, ProgressListener.NONE)).isSameAs(damaged);
        waitForDecoderThreads();
        assertThat(decoderThreads()).isEmpty();
    }

    @Test
    void progressIsReportedRowByRowAndEndsBelowOne() {
        List<Double> progress = new ArrayList<>();
        FakeSlide slide = new FakeSlide(4000, 3000, Integer.MAX_VALUE, null);
        WholeImagePredictor.Result result = new WholeImagePredictor(model(), engine.settings(), 1_000_000)
                .run(slide, 50, progress::add);
        assertThat(progress).hasSizeGreaterThanOrEqualTo(10).isSorted(); // notes are dropped while the queue is full
        assertThat(progress.get(progress.size() - 1)).isLessThan(1.0).isGreaterThan(0.95);
        assertThat(result.grid()).hasSize(80 * 60);
    }

    private static LoadedModel model() {
        var modelPackage = TestModels.defaultPackage();
        ModelCard card = ModelCards.read(modelPackage.resolve(ModelCards.CARD_FILE));
        return engine.load(card, modelPackage.resolve(ModelCards.MODEL_FILE), card.sha256());
    }

    private static void waitForDecoderThreads() throws InterruptedException {
        for (int i = 0; i < 50 && !decoderThreads().isEmpty(); i++) {
            Thread.sleep(20);
        }
    }

    private static List<Thread> decoderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("tile-decoder")).toList();
    }

    /** A tiled slide of flat glass with pink tissue stripes; the n-th region read fails as given. */
    static final class FakeSlide implements RegionReader {
        private final ImageInfo info;
        private final int failingRead;
        private final ImageRejectedException failure;
        private final AtomicInteger reads = new AtomicInteger();

        FakeSlide(int width, int height, int failingRead, ImageRejectedException failure) {
            this.info = new ImageInfo(ImageFormat.TIFF, width, height, 1, 0, 8, 3, java.util.OptionalDouble.empty(), 1L << 20);
            this.failingRead = failingRead;
            this.failure = failure;
        }

        @Override
        public ImageInfo info() {
            return info;
        }

        @Override
        public BufferedImage readRegion(Rectangle region, int subsampling) {
            if (reads.incrementAndGet() == failingRead) {
                throw failure;
            }
            int w = (region.width + subsampling - 1) / subsampling;
            int h = (region.height + subsampling - 1) / subsampling;
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < h; y++) {
                boolean tissue = ((region.y + y * subsampling) / 400) % 2 == 1;
                for (int x = 0; x < w; x++) {
                    image.setRGB(x, y, tissue ? 0xD890B8 : 0xF2F2F2);
                }
            }
            return image;
        }

        @Override
        public long decodeCost(Rectangle region) {
            return (long) region.width * region.height * 3;
        }

        @Override
        public void close() {
        }
    }
}
