package org.histoscope.inference;

/** A prediction could not be made for a reason other than the image itself; the message is for the user. */
public class PredictionFailedException extends RuntimeException {

    public enum Reason {
        NO_ACTIVE_MODEL,
        MODEL_NOT_FOUND,
        MODEL_UNUSABLE,
        INFERENCE_ERROR,
        /** Nothing in the image looks like stained tissue, so there is nothing to classify. */
        NO_TISSUE
    }

    private final Reason reason;

    public PredictionFailedException(Reason reason, String userMessage) {
        super(userMessage);
        this.reason = reason;
    }

    public PredictionFailedException(Reason reason, String userMessage, Throwable cause) {
        super(userMessage, cause);
        this.reason = reason;
    }

    /** Whether this is a verdict about the input (no tissue), not a fault of the system. */
    public boolean isAboutTheImage() {
        return reason == Reason.NO_TISSUE;
    }

    public Reason reason() {
        return reason;
    }
}
