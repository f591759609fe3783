package org.histoscope.tokens;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/** A token request that breaks a rule (duplicate name, unknown role, past expiry); the text is for the admin. */
public class ApiTokenRejectedException extends RuntimeException implements WrittenForPeople {

    private final PeopleText text;

    public ApiTokenRejectedException(String message) {
        this(PeopleText.untranslated(message));
    }

    public ApiTokenRejectedException(PeopleText text) {
        super(text.english());
        this.text = text;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
