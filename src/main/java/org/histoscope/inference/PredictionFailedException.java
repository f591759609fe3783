package org.histoscope.inference;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.TextForPeople;

/** A prediction could not be made for a reason other than the image itself; the message is for the user. */
public class PredictionFailedException extends RuntimeException implements TextForPeople {

    public enum Reason {
        NO_ACTIVE_MODEL,
        MODEL_NOT_FOUND,
        MODEL_UNUSABLE,
        INFERENCE_ERROR,
        /** Nothing in the image looks like stained tissue, so there is nothing to classify. */
        NO_TISSUE
    }

    private final Reason reason;
    private final PeopleText text;

    public PredictionFailedException(Reason reason, String userMessage) {
        this(reason, PeopleText.untranslated(userMessage), null);
    }

    public PredictionFailedException(Reason reason, String userMessage, Throwable cause) {
        this(reason, PeopleText.untranslated(userMessage), cause);
    }

    public PredictionFailedException(Reason reason, PeopleText text) {
        this(reason, text, null);
    }

    public PredictionFailedException(Reason reason, PeopleText text, Throwable cause) {
        super(text.english(), cause);
        this.reason = reason;
        this.text = text;
    }

    /** The sentence for people (shown only where no technical cause is wrapped; see ErrorReference.jobRefusal). */
    @Override
    public PeopleText text() {
        return text;
    }

    /** Whether this is a verdict about the input (no tissue), not a fault of the system. */
    public boolean isAboutTheImage() {
        return reason == Reason.NO_TISSUE;
    }

    public Reason reason() {
        return reason;
    }
}
