package org.histoscope.cases;

import java.time.Instant;

public record CaseSummary(long id, String accessionNumber, PatientSummary patient, String specimen, String site,
                          String clinicalNotes, CaseStatus status, String assignedPathologist,
                          String createdBy, Instant createdAt, String updatedBy, Instant updatedAt) {

    public CaseForm toForm() {
        return new CaseForm(accessionNumber, patient.id(), specimen, site, clinicalNotes, assignedPathologist);
    }
}
