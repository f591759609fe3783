package org.histoscope.review;

/** The password given to sign did not match; nothing was signed. */
public class SignatureRejectedException extends ReviewRuleException {

    public SignatureRejectedException() {
        super("The password is not correct. The review was not signed.");
    }
}
