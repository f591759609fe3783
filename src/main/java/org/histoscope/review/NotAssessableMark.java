package org.histoscope.review;

import java.time.Instant;

/** A signed "not assessable" mark of an image, shown with its signature like a review. */
public record NotAssessableMark(long id, long caseId, long imageId, String reason, String signedBy, String signerName,
                                Instant signedAt, SignatureMeaning meaning) {
}
