package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.ConstraintViolationException;
import java.time.LocalDate;
import java.util.List;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;

/** Patients and cases on a real PostgreSQL: unique keys, validation, roles and audit. */
@SpringBootTest
class CaseServiceTest {

    @Autowired
    CaseService service;
    @Autowired
    AuditService audit;
    @Autowired
    JdbcTemplate jdbc;

    static PatientForm patient(String mrn) {
        return new PatientForm(mrn, "Ada Example", LocalDate.of(1970, 5, 17), Sex.FEMALE);
    }

    PatientSummary createPatient(String mrn) {
        return ActingAs.user("patty", () -> service.createPatient(patient(mrn)), Roles.PATHOLOGIST);
    }

    CaseSummary createCase(String accession, long patientId) {
        return ActingAs.user("patty", () -> service.createCase(
                new CaseForm(accession, patientId, "Breast core biopsy", "left breast", "mass 2 cm", null)), Roles.PATHOLOGIST);
    }

    @Test
    void aSecondPatientWithTheSameMrnIsRefusedWithAFriendlyMessage() {
        createPatient("MRN-1001");
        assertThatThrownBy(() -> createPatient(" MRN-1001 "))
                .isInstanceOf(DuplicateKeyException.class)
                .hasMessage("A patient with MRN MRN-1001 already exists.")
                .extracting(e -> ((DuplicateKeyException) e).field()).isEqualTo("mrn");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM patient WHERE mrn = 'MRN-1001'", Long.class)).isOne();
    }

    @Test
    void theDatabaseItselfRefusesADuplicateMrn() {
        createPatient("MRN-1002");
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO patient (mrn, full_name, date_of_birth, sex, created_by, created_at, updated_by, updated_at)
                VALUES ('MRN-1002', 'X', DATE '1980-01-01', 'MALE', 'x', now(), 'x', now())"""))
                .hasMessageContaining("patient_mrn_unique");
    }

    @Test
    void renamingAPatientToAnotherPatientsMrnIsRefused() {
        createPatient("MRN-1003");
        PatientSummary other = createPatient("MRN-1004");
        assertThatThrownBy(() -> ActingAs.user("patty", () -> service.updatePatient(other.id(), patient("MRN-1003")),
                Roles.PATHOLOGIST)).isInstanceOf(DuplicateKeyException.class);
        PatientSummary same = ActingAs.user("patty", () -> service.updatePatient(other.id(),
                new PatientForm("MRN-1004", "Ada Renamed", LocalDate.of(1970, 5, 17), Sex.FEMALE)), Roles.PATHOLOGIST);
        assertThat(same.fullName()).isEqualTo("Ada Renamed");
    }

    @Test
    void aSecondCaseWithTheSameAccessionNumberIsRefused() {
        PatientSummary patient = createPatient("MRN-2001");
        CaseSummary first = createCase("S26-0001", patient.id());
        assertThat(first.status()).isEqualTo(CaseStatus.OPEN);
        assertThatThrownBy(() -> createCase("S26-0001", patient.id()))
                .isInstanceOf(DuplicateKeyException.class)
                .hasMessage("A case with accession number S26-0001 already exists.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM patient_case WHERE accession_number = 'S26-0001'",
                Long.class)).isOne();
    }

    /**
     * Issue #24: a right-to-left override (U+202E) in a patient's name was stored and turned the MRN and date of birth
     * shown after it around. Every free-text field is stored in NFC without format or control characters, as the
     * UI's dialogs and the API hand the same records to the service.
     */
    @Test
    void invisibleControlsAreRemovedFromEveryFreeTextField() {
        PatientSummary patient = ActingAs.user("patty", () -> service.createPatient(new PatientForm(
                "\u2066MRN-9001\u2069", "Eve \u202Etcejorp\u202C Adams\u200F", LocalDate.of(1970, 5, 17), Sex.FEMALE)),
                Roles.PATHOLOGIST);
        assertThat(patient.mrn()).isEqualTo("MRN-9001");
        assertThat(patient.fullName()).isEqualTo("Eve tcejorp Adams");
        CaseSummary created = ActingAs.user("patty", () -> service.createCase(new CaseForm("S26-9001\u200B",
                patient.id(), "Core\u00AD biopsy\u2067", "Sein gauche\u202B", "Re\u0301cidive\tle\u0301sion\u0007\nsuite",
                null)), Roles.PATHOLOGIST);
        assertThat(jdbc.queryForMap("SELECT accession_number, specimen, site, clinical_notes FROM patient_case "
                + "WHERE id = ?", created.id())).containsEntry("accession_number", "S26-9001")
                .containsEntry("specimen", "Core biopsy").containsEntry("site", "Sein gauche")
                .containsEntry("clinical_notes", "R\u00e9cidive\tl\u00e9sion\nsuite");
        assertThat(jdbc.queryForObject("SELECT full_name FROM patient WHERE id = ?", String.class, patient.id()))
                .isEqualTo("Eve tcejorp Adams");
    }

    @Test
    void invalidFormValuesAreRefusedWithTheirMessages() {
        assertThatThrownBy(() -> ActingAs.user("patty", () -> service.createPatient(
                new PatientForm(" ", "", LocalDate.now().plusDays(3), null)), Roles.PATHOLOGIST))
                .isInstanceOf(ConstraintViolationException.class)
                .hasMessageContaining("Enter the medical record number")
                .hasMessageContaining("The date of birth cannot be in the future")
                .hasMessageContaining("Choose the sex");
    }

    @Test
    void aReviewerCannotCreatePatientsOrCasesButReadsCasesInReview() {
        PatientSummary patient = createPatient("MRN-3001");
        assertThatThrownBy(() -> ActingAs.user("rita", () -> service.createCase(
                new CaseForm("S26-3001", patient.id(), "Skin punch", null, null, null)), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("rita", () -> service.createPatient(patient("MRN-3002")), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        long caseId = createCase("S26-3001", patient.id()).id();
        CaseFilter filter = new CaseFilter("s26-3001", null);
        // the department's access model: a reviewer reads the cases that have results to review, not open ones
        assertThat(ActingAs.user("rita", () -> service.searchCases(filter, PageRequest.of(0, 10)), Roles.REVIEWER))
                .isEmpty();
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ?", caseId);
        List<CaseSummary> found = ActingAs.user("rita", () -> service.searchCases(filter, PageRequest.of(0, 10)),
                Roles.REVIEWER);
        assertThat(found).extracting(CaseSummary::accessionNumber).containsExactly("S26-3001");
    }

    @Test
    void aReviewerDoesNotFinalizeACase() {
        PatientSummary patient = createPatient("MRN-3101");
        CaseSummary created = createCase("S26-3101", patient.id());
        assertThatThrownBy(() -> ActingAs.user("rita", () -> service.markFinalized(created.id()), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void searchFindsByAccessionMrnOrNameAndPages() {
        PatientSummary patient = ActingAs.user("patty", () -> service.createPatient(
                new PatientForm("MRN-4001", "Grace Searchable", LocalDate.of(1960, 1, 2), Sex.FEMALE)), Roles.PATHOLOGIST);
        for (int i = 1; i <= 5; i++) {
            createCase("SRCH-" + i, patient.id());
        }
        CaseFilter byName = new CaseFilter("searchable", null);
        List<CaseSummary> firstPage = ActingAs.user("patty", () -> service.searchCases(byName, PageRequest.of(0, 2)),
                Roles.PATHOLOGIST);
        long total = ActingAs.user("patty", () -> service.countCases(byName), Roles.PATHOLOGIST);
        assertThat(firstPage).hasSize(2);
        assertThat(total).isEqualTo(5);
        assertThat(ActingAs.user("patty", () -> service.searchCases(new CaseFilter("MRN-4001", CaseStatus.SIGNED_OUT),
                PageRequest.of(0, 10)), Roles.PATHOLOGIST)).isEmpty();
    }

    @Test
    void creatingAndEditingACaseAppearsOnItsTimeline() {
        PatientSummary patient = createPatient("MRN-5001");
        CaseSummary created = createCase("S26-5001", patient.id());
        ActingAs.run("patty", () -> service.updateCase(created.id(),
                new CaseForm("S26-5001", patient.id(), "Breast excision", "left", "updated notes", null)), Roles.PATHOLOGIST);
        List<AuditEntry> timeline = ActingAs.user("patty", () -> audit.caseTimeline(created.id()), Roles.PATHOLOGIST);
        assertThat(timeline).extracting(AuditEntry::action).containsExactly("CASE_CREATED", "CASE_UPDATED");
        assertThat(timeline).allSatisfy(entry -> {
            assertThat(entry.actor()).isEqualTo("patty");
            assertThat(entry.occurredAt()).isNotNull();
        });
    }
}
