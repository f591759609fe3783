package org.histoscope.review;

public enum ReviewDecision {
    /** The reviewer confirms the model's label. */
    AGREE,
    /** The reviewer replaces the model's label with their own. */
    OVERRIDE
}
