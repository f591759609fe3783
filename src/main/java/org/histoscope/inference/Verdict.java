package org.histoscope.inference;

import java.util.Locale;

/**
 * What a prediction says, in three states: the model's label is shown as cancer or benign only outside the card's
 * grey zone; inside it the result is "indeterminate" and needs the pathologist's own reading.
 */
public enum Verdict {
    POSITIVE, NEGATIVE, INDETERMINATE;

    /**
     * @param greyZone null when the card states none (two states only)
     */
    public static Verdict of(double probability, double threshold, GreyZone greyZone) {
        if (greyZone != null && greyZone.contains(probability)) {
            return INDETERMINATE;
        }
        return probability >= threshold ? POSITIVE : NEGATIVE;
    }

    /** "indeterminate" or the class name ("cancer", "benign"), as shown beside the probability. */
    public String displayLabel(String label) {
        return this == INDETERMINATE ? "indeterminate" : label;
    }

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
