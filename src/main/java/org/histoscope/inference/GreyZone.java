package org.histoscope.inference;

/**
 * An "indeterminate" band of probabilities around a threshold, chosen on validation and stated on the model card:
 * inside it the model's call is not reliable enough to be shown as cancer or benign.
 *
 * @param low  lowest probability inside the band (inclusive)
 * @param high highest probability inside the band (exclusive: at {@code high} the call is positive)
 */
public record GreyZone(double low, double high) {

    public GreyZone {
        if (!(low >= 0 && high <= 1 && low < high)) {
            throw new IllegalArgumentException("A grey zone needs 0 <= low < high <= 1, got " + low + " .. " + high);
        }
    }

    public boolean contains(double probability) {
        return probability >= low && probability < high;
    }
}
