package org.histoscope.review;

/** Published inside the signing transaction for every signed review, amendments included. */
public record ReviewSigned(SignedReview review) {
}
