package org.histoscope.cases;

import java.util.Map;
import java.util.Optional;

/**
 * What the signatures on a case concluded, for the case page and the cases list. The review feature, which builds
 * on cases, implements it; the cases feature's views ask through this interface so that no cycle arises.
 */
public interface CaseOutcomes {

    /** The newest signed final diagnosis of a finalized case, on one line. */
    Optional<String> finalDiagnosisLine(long caseId);

    /** Per prediction of the case, the final label of its latest signed review (absent: not reviewed). */
    Map<Long, String> finalLabelsByPrediction(long caseId);
}
