package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.WrittenForPeople;

/** A request that breaks a case rule (e.g. uploading to a finalized case); the text is meant for the user. */
public class CaseRuleException extends RuntimeException implements WrittenForPeople {

    private final PeopleText text;

    public CaseRuleException(String message) {
        this(PeopleText.untranslated(message));
    }

    public CaseRuleException(PeopleText text) {
        super(text.english());
        this.text = text;
    }

    @Override
    public PeopleText text() {
        return text;
    }
}
