package org.histoscope.api.internal;

import java.util.Objects;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseSummary;

/** A case as sent by an integration; the accession number identifies it, so a repeated request finds the same case. */
record CaseRequest(String accessionNumber, Long patientId, String specimen, String site, String clinicalNotes,
                   String assignedPathologist) {

    CaseForm toForm() {
        return new CaseForm(accessionNumber, patientId, specimen, site, clinicalNotes, assignedPathologist);
    }

    boolean sameAs(CaseSummary existing) {
        return Objects.equals(patientId, existing.patient().id())
                && specimen != null && toForm().specimen().trim().equals(existing.specimen().trim());
    }
}
