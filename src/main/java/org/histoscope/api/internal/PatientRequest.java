package org.histoscope.api.internal;

import java.time.LocalDate;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.Sex;

/** A patient as sent by an integration; the MRN identifies it, so a repeated request finds the same patient. */
record PatientRequest(String mrn, String fullName, LocalDate dateOfBirth, Sex sex) {

    PatientForm toForm() {
        return new PatientForm(mrn, fullName, dateOfBirth, sex);
    }

    boolean sameAs(PatientSummary existing) {
        String name = toForm().fullName();
        return name != null && name.trim().equals(existing.fullName().trim())
                && existing.dateOfBirth().equals(dateOfBirth) && existing.sex() == sex;
    }
}
