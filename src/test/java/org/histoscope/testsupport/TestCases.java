package org.histoscope.testsupport;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.PredictionCompleted;
import org.histoscope.cases.Sex;
import org.histoscope.security.Roles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A new patient with one open case, created as the pathologist "patty" (TestAccounts), for tests that need one; and a
 * result in the review queue on such a case, without running the model.
 */
public final class TestCases {

    private TestCases() {
    }

    /** The case's id; the patient's MRN is "MRN-" + the accession number, so both stay unique per test. */
    public static long newCase(CaseService cases, String accession) {
        return newCase(cases, accession, "patty");
    }

    /** The same, created by (and so assigned to) the pathologist {@code pathologist}, who must exist. */
    public static long newCase(CaseService cases, String accession, String pathologist) {
        return ActingAs.user(pathologist, () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + accession, "Test Patient",
                    LocalDate.of(1960, 1, 1), Sex.FEMALE));
            return cases.createCase(new CaseForm(accession, patient.id(), "Breast", null, null, null)).id();
        }, Roles.PATHOLOGIST);
    }

    /**
     * A stored prediction (real rows) on a new case, announced as completed after commit as the job would, so that it
     * enters the review queue; its id.
     */
    public static long resultToReview(CaseService cases, JdbcTemplate jdbc, TransactionTemplate transactions,
                                      ApplicationEventPublisher events, String accessionPrefix, double probability,
                                      String label) {
        String accession = accessionPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        long caseId = newCase(cases, accession);
        String name = "img-" + UUID.randomUUID() + ".png";
        long imageId = RealRows.image(jdbc, caseId, name);
        long predictionId = RealRows.prediction(jdbc, caseId, imageId, probability, label);
        transactions.executeWithoutResult(tx -> events.publishEvent(new PredictionCompleted(predictionId, caseId,
                accession, imageId, name, probability, 0.5, label, "idc-net", "1.0", Instant.now(), false)));
        return predictionId;
    }
}
