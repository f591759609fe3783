package org.histoscope.cases;

import java.time.LocalDate;

public record PatientSummary(long id, String mrn, String fullName, LocalDate dateOfBirth, Sex sex) {

    public PatientForm toForm() {
        return new PatientForm(mrn, fullName, dateOfBirth, sex);
    }

    public String label() {
        return fullName + " (" + mrn + ")";
    }
}
