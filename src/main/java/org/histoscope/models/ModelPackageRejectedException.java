package org.histoscope.models;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/** A model package that failed validation; the text says what is wrong, for the administrator. */
public class ModelPackageRejectedException extends RuntimeException implements WrittenForPeople {

    private final PeopleText text;

    public ModelPackageRejectedException(String message) {
        this(PeopleText.untranslated(message));
    }

    public ModelPackageRejectedException(PeopleText text) {
        super(text.english());
        this.text = text;
    }

    public ModelPackageRejectedException(String message, Throwable cause) {
        this(PeopleText.untranslated(message), cause);
    }

    public ModelPackageRejectedException(PeopleText text, Throwable cause) {
        super(text.english(), cause);
        this.text = text;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
