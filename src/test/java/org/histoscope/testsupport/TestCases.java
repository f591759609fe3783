package org.histoscope.testsupport;

import java.time.LocalDate;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.Sex;
import org.histoscope.security.Roles;

/** A new patient with one open case, created as the pathologist "patty" (TestAccounts), for tests that need one. */
public final class TestCases {

    private TestCases() {
    }

    /** The case's id; the patient's MRN is "MRN-" + the accession number, so both stay unique per test. */
    public static long newCase(CaseService cases, String accession) {
        return ActingAs.user("patty", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Test Patient",
                    LocalDate.of(1960, 1, 1), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Breast", null, null, null)).id();
        }, Roles.PATHOLOGIST);
    }
}
