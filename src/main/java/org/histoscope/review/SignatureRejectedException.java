package org.histoscope.review;

import org.histoscope.platform.PeopleText;

/** The password given to sign did not match; nothing was signed. */
public class SignatureRejectedException extends ReviewRuleException {

    public SignatureRejectedException() {
        super(PeopleText.of("refusal.review.wrong-password"));
    }
}
