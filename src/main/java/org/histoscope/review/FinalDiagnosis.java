package org.histoscope.review;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One signed version of a case's final diagnosis (21 CFR 11.50: printed name, UTC time, meaning). Version 1 is the
 * finalization; each later version amends the one before and says why.
 *
 * @param segregationNote the segregation-of-duties exception under which it was signed, or null
 */
public record FinalDiagnosis(long id, long caseId, int version, boolean idcPresent, BigDecimal largestFocusMm,
                             BigDecimal idcPercent, String diagnosis, String amendmentReason, String signedBy,
                             String signerName, Instant signedAt, SignatureMeaning meaning, Long amendsId,
                             String segregationNote) {

    public boolean isAmendment() {
        return amendsId != null;
    }

    /** The structured fields in words, e.g. "IDC present, largest focus 4.5 mm, 30 % of the tissue". */
    public String structured() {
        if (!idcPresent) {
            return "Invasive ductal carcinoma absent";
        }
        StringBuilder text = new StringBuilder("Invasive ductal carcinoma present");
        if (largestFocusMm != null) {
            text.append(", largest focus ").append(largestFocusMm.stripTrailingZeros().toPlainString()).append(" mm");
        }
        if (idcPercent != null) {
            text.append(", ").append(idcPercent.stripTrailingZeros().toPlainString()).append(" % of the tissue");
        }
        if (largestFocusMm == null && idcPercent == null) {
            text.append(" (extent not measured)");
        }
        return text.toString();
    }

    /** The whole diagnosis on one line, for lists and the case page. */
    public String line() {
        return structured() + ". " + diagnosis;
    }
}
