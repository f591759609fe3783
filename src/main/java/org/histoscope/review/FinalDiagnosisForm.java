package org.histoscope.review;

import java.math.BigDecimal;
import org.histoscope.platform.FreeText;

/**
 * The case-level final diagnosis the responsible pathologist signs: free text plus the structured fields of a
 * breast core biopsy report. Checked by {@link CaseFinalizationService}, which states each rule in plain words.
 *
 * @param idcPresent      invasive ductal carcinoma present (true) or absent (false); null: not chosen yet
 * @param largestFocusMm  where present and measured, the largest focus in millimetres; else null
 * @param idcPercent      where present and estimated, the share of the tissue that is IDC, in percent; else null
 * @param amendmentReason why an earlier final diagnosis is amended; null for the first one
 */
public record FinalDiagnosisForm(Boolean idcPresent, BigDecimal largestFocusMm, BigDecimal idcPercent,
                                 String diagnosis, SignatureMeaning meaning, String amendmentReason) {

    public FinalDiagnosisForm {
        diagnosis = FreeText.clean(diagnosis);
        amendmentReason = FreeText.clean(amendmentReason);
    }

    /** The same diagnosis as an amendment, for the given reason. */
    public FinalDiagnosisForm withReason(String reason) {
        return new FinalDiagnosisForm(idcPresent, largestFocusMm, idcPercent, diagnosis, meaning, reason);
    }
}
