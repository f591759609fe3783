package org.histoscope.inference.internal;

import org.histoscope.images.PngEncoder;
import org.histoscope.inference.internal.LoadedModel;

import java.awt.image.BufferedImage;

/**
 * Occlusion sensitivity (Zeiler &amp; Fergus 2014) for a patch: a white square (the colour of glass and of padding)
 * slides over the patch; where covering the tissue lowers the cancer probability, that tissue supported the call.
 * The overlay is red where occlusion lowers the probability, blue where it raises it, opacity by strength, at the
 * image's size times {@link #UPSCALE} and aligned with it.
 */
public final class OcclusionExplainer {

    static final int UPSCALE = 4;

    private OcclusionExplainer() {
    }

    /**
     * @param input      the preprocessed patch (one patch, NCHW)
     * @param baseline   the model's probability for it
     * @param whiteValue the normalised value of a white pixel per channel, in tensor channel order
     * @param cropLeft   where the model's patch starts in the image (centre crop), may be 0
     */
    public static byte[] explain(LoadedModel model, float[] input, float baseline, float[] whiteValue, int imageWidth,
                          int imageHeight, int cropLeft, int cropTop, int batchSize) {
        int size = model.card().input().width();
        int height = model.card().input().height();
        int window = Math.max(2, size / 5);
        int stride = Math.max(1, window / 2);
        int positionsX = (size - window) / stride + 1;
        int positionsY = (height - window) / stride + 1;
        int count = positionsX * positionsY;
        int values = model.valuesPerPatch();
        float[] drops = new float[count];
        float[] batch = new float[Math.min(batchSize, count) * values];
        int plane = size * height;
        for (int start = 0; start < count; start += batchSize) {
            int n = Math.min(batchSize, count - start);
            for (int k = 0; k < n; k++) {
                int position = start + k;
                int wx = (position % positionsX) * stride;
                int wy = (position / positionsX) * stride;
                System.arraycopy(input, 0, batch, k * values, values);
                for (int c = 0; c < 3; c++) {
                    for (int y = wy; y < wy + window; y++) {
                        for (int x = wx; x < wx + window; x++) {
                            batch[k * values + c * plane + y * size + x] = whiteValue[c];
                        }
                    }
                }
            }
            float[] probabilities = model.predict(batch, n);
            for (int k = 0; k < n; k++) {
                drops[start + k] = baseline - probabilities[k];
            }
        }
        double[] sensitivity = new double[plane];
        int[] cover = new int[plane];
        for (int position = 0; position < count; position++) {
            int wx = (position % positionsX) * stride;
            int wy = (position / positionsX) * stride;
            for (int y = wy; y < wy + window; y++) {
                for (int x = wx; x < wx + window; x++) {
                    sensitivity[y * size + x] += drops[position];
                    cover[y * size + x]++;
                }
            }
        }
        double strongest = 1e-6;
        for (int i = 0; i < plane; i++) {
            sensitivity[i] = cover[i] == 0 ? 0 : sensitivity[i] / cover[i];
            strongest = Math.max(strongest, Math.abs(sensitivity[i]));
        }
        BufferedImage overlay = new BufferedImage(imageWidth * UPSCALE, imageHeight * UPSCALE, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < size; x++) {
                int ix = cropLeft + x;
                int iy = cropTop + y;
                if (ix >= imageWidth || iy >= imageHeight) {
                    continue;
                }
                double s = sensitivity[y * size + x] / strongest;
                int alpha = (int) Math.round(Math.min(1, Math.abs(s)) * 170);
                int argb = alpha << 24 | (s >= 0 ? 0xE0301E : 0x1E50E0);
                for (int dy = 0; dy < UPSCALE; dy++) {
                    for (int dx = 0; dx < UPSCALE; dx++) {
                        overlay.setRGB(ix * UPSCALE + dx, iy * UPSCALE + dy, argb);
                    }
                }
            }
        }
        return PngEncoder.encode(overlay);
    }
}
