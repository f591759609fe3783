package org.histoscope.cases;

/** A case moves forward only: OPEN (collecting images) → IN_REVIEW (results exist) → SIGNED_OUT (final). */
public enum CaseStatus {
    OPEN, IN_REVIEW, SIGNED_OUT
}
