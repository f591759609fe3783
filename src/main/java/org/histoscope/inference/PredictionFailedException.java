package org.histoscope.inference;

/** A prediction could not be made for a reason other than the image itself; the message is for the user. */
public class PredictionFailedException extends RuntimeException {

    public enum Reason {
        NO_ACTIVE_MODEL,
        MODEL_NOT_FOUND,
        MODEL_UNUSABLE,
        INFERENCE_ERROR
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

    public Reason reason() {
        return reason;
    }
}
