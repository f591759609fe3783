package org.histoscope.review;

/** The meaning of an electronic signature (21 CFR 11.50(a)(3)), shown with it wherever it is displayed. */
public enum SignatureMeaning {
    REVIEWED("Reviewed"), APPROVED("Approved");

    private final String label;

    SignatureMeaning(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
