package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.RuleRefusedException;

/** A unique business key (MRN, accession number) is already taken; the message is meant for the user. */
public class DuplicateKeyException extends RuleRefusedException {

    private final String field;

    public DuplicateKeyException(String field, String message) {
        this(field, PeopleText.untranslated(message));
    }

    public DuplicateKeyException(String field, PeopleText text) {
        super("duplicate-" + field, text);
        this.field = field;
    }

    /** The form field the message belongs to, e.g. "mrn". */
    public String field() {
        return field;
    }
}
