package org.histoscope.review;

import java.time.Instant;

/**
 * A signed "not assessable" mark of an image, shown with its signature like a review.
 *
 * @param imageName       the image's original file name, as people know it
 * @param segregationNote set when the signer had uploaded the image or requested its prediction, which only a
 *                        department setting allows; shown wherever the signature is
 */
public record NotAssessableMark(long id, long caseId, long imageId, String imageName, String reason, String signedBy, String signerName,
                                Instant signedAt, SignatureMeaning meaning, String segregationNote) {

    public boolean signedByRequester() {
        return segregationNote != null;
    }
}
