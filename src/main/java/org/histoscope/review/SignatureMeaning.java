package org.histoscope.review;

/** The meaning of an electronic signature (21 CFR 11.50(a)(3)), shown with it wherever it is displayed. */
public enum SignatureMeaning {
    REVIEWED("Reviewed"), APPROVED("Approved");

    private final String label;

    SignatureMeaning(String label) {
        this.label = label;
    }

    /** The English label the audit trail and the PDF keep. */
    public String label() {
        return label;
    }

    /** The key of the label in the message bundles, for screens in the reader's language. */
    public String messageKey() {
        return "review.meaning." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
