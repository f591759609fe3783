package org.histoscope.review;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/** A review request that breaks a rule; the text is written for the user. */
public class ReviewRuleException extends RuntimeException implements WrittenForPeople {

    private final PeopleText text;

    public ReviewRuleException(String message) {
        this(PeopleText.untranslated(message));
    }

    public ReviewRuleException(PeopleText text) {
        super(text.english());
        this.text = text;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
