package org.histoscope.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditService;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.access.AccessDeniedException;

/**
 * The object-level half of the access model (docs/security-and-audit.md), enforced in the services: who may read
 * and who may change which case. The role half is AccessMatrixTest.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CaseAccessTest {

    @Autowired
    CaseService cases;
    @Autowired
    CaseImageService images;
    @Autowired
    PredictionJobService jobs;
    @Autowired
    AuditService audit;
    @Autowired
    JdbcTemplate jdbc;

    static int counter;

    /** A case created by "owen", assigned to nobody (so owen is responsible). */
    CaseSummary owensCase() {
        String suffix = "AC-" + System.nanoTime() % 1_000_000_000 + "-" + (++counter);
        return ActingAs.user("owen", () -> {
            PatientSummary patient = cases.createPatient(new PatientForm("MRN-" + suffix, "Access Patient",
                    LocalDate.of(1959, 3, 3), Sex.MALE));
            return cases.createCase(new CaseForm(suffix, patient.id(), "Prostate biopsy", null, null, null));
        }, Roles.PATHOLOGIST);
    }

    static Stream<Arguments> changesByAnotherPathologist() {
        return Stream.of(
                Arguments.of("edit the case", (CaseChange) (s, c) -> s.cases.updateCase(c.id(), c.toForm())),
                Arguments.of("upload an image", (CaseChange) (s, c) -> s.images.upload(c.id(), "x.png",
                        new ByteArrayInputStream(new byte[]{1, 2, 3}))));
    }

    interface CaseChange {
        Object apply(CaseAccessTest test, CaseSummary target) throws Exception;
    }

    @ParameterizedTest(name = "another pathologist may not {0}")
    @MethodSource("changesByAnotherPathologist")
    void onlyTheResponsiblePathologistChangesACase(String what, CaseChange change) {
        CaseSummary target = owensCase();
        assertThatThrownBy(() -> ActingAs.user("petra", () -> {
            try {
                return change.apply(this, target);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);
        // every pathologist still reads it
        assertThat(ActingAs.user("petra", () -> cases.findCase(target.id()), Roles.PATHOLOGIST)).isPresent();
        assertThat(ActingAs.user("petra", () -> cases.rightsOn(target.id()), Roles.PATHOLOGIST).modify()).isFalse();
        assertThat(ActingAs.user("owen", () -> cases.rightsOn(target.id()), Roles.PATHOLOGIST).modify()).isTrue();
    }

    @Test
    void anAdministratorReassignsAndThenOnlyTheNewPathologistChangesTheCase() {
        CaseSummary target = owensCase();
        assertThatThrownBy(() -> ActingAs.user("owen", () -> cases.updateCase(target.id(),
                new CaseForm(target.accessionNumber(), target.patient().id(), target.specimen(), null, null, "petra")),
                Roles.PATHOLOGIST)).isInstanceOf(CaseRuleException.class).hasMessageContaining("administrator");
        assertThatThrownBy(() -> ActingAs.user("owen", () -> cases.reassign(target.id(), "petra", "leave"),
                Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);

        CaseSummary moved = ActingAs.user("ada", () -> cases.reassign(target.id(), "petra", "Owen is on leave"),
                Roles.ADMIN);
        assertThat(moved.assignedPathologist()).isEqualTo("petra");
        assertThat(ActingAs.user("petra", () -> cases.updateCase(target.id(), moved.toForm()), Roles.PATHOLOGIST))
                .isNotNull();
        assertThatThrownBy(() -> ActingAs.user("owen", () -> cases.updateCase(target.id(), moved.toForm()),
                Roles.PATHOLOGIST)).isInstanceOf(AccessDeniedException.class);
        assertThat(ActingAs.user("ada", () -> cases.timeline(target.id()), Roles.ADMIN))
                .extracting(AuditEntry::action).contains("CASE_REASSIGNED");
    }

    @Test
    void reviewersSeeOnlyCasesWithResultsToReviewAndNoPatientRegister() {
        CaseSummary open = owensCase();
        CaseSummary inReview = owensCase();
        jdbc.update("UPDATE patient_case SET status = 'IN_REVIEW' WHERE id = ?", inReview.id());

        assertThat(ActingAs.user("rhea", () -> cases.findCase(open.id()), Roles.REVIEWER)).isEmpty();
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> images.imagesOfCase(open.id()), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> jobs.jobsForCase(open.id()), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> cases.timeline(open.id()), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(ActingAs.user("rhea", () -> cases.findCase(inReview.id()), Roles.REVIEWER)).isPresent();
        assertThat(ActingAs.user("rhea", () -> images.imagesOfCase(inReview.id()), Roles.REVIEWER)).isEmpty();

        List<Long> listed = ActingAs.user("rhea", () -> cases.searchCases(new CaseFilter("AC-", null),
                PageRequest.of(0, 500)), Roles.REVIEWER).stream().map(CaseSummary::id).toList();
        assertThat(listed).contains(inReview.id()).doesNotContain(open.id());
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> cases.searchPatients("", PageRequest.of(0, 10)),
                Roles.REVIEWER)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> cases.findPatient(open.patient().id()), Roles.REVIEWER))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ActingAs.user("rhea", () -> cases.findPatientByMrn(open.patient().mrn()),
                Roles.REVIEWER)).isInstanceOf(AccessDeniedException.class);

        // the exact look-ups of the API follow the same read rule: an OPEN case and its jobs are absent for a reviewer
        assertThat(ActingAs.user("rhea", () -> cases.findCaseByAccession(open.accessionNumber()), Roles.REVIEWER))
                .isEmpty();
        assertThat(ActingAs.user("rhea", () -> cases.findCaseByAccession(inReview.accessionNumber()), Roles.REVIEWER))
                .isPresent();
        long jobId = ActingAs.user("owen", () -> {
            try (java.io.InputStream in = CaseAccessTest.class.getResourceAsStream("/images/formats/pyramid-deflate.tif")) {
                images.upload(open.id(), "pyramid-deflate.tif", in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return jobs.jobsForCase(open.id()).get(0).id();
        }, Roles.PATHOLOGIST);
        assertThat(ActingAs.user("rhea", () -> jobs.findJob(jobId), Roles.REVIEWER)).isEmpty();
        assertThat(ActingAs.user("petra", () -> jobs.findJob(jobId), Roles.PATHOLOGIST)).isPresent();
    }

    @Test
    void openingACaseOrAResultIsRecordedOncePerOpening() {
        CaseSummary target = owensCase();
        ActingAs.user("petra", () -> cases.openCase(target.id()), Roles.PATHOLOGIST);
        ActingAs.run("petra", () -> cases.recordResultOpened(target.id(), 42L), Roles.PATHOLOGIST);
        List<AuditEntry> reads = ActingAs.user("owen", () -> cases.timeline(target.id()), Roles.PATHOLOGIST).stream()
                .filter(e -> e.action().endsWith("_VIEWED")).toList();
        assertThat(reads).extracting(AuditEntry::action).containsExactly("CASE_VIEWED", "RESULT_VIEWED");
        assertThat(reads).extracting(AuditEntry::actor).containsOnly("petra");
        // a plain look-up (a view refreshing itself) is not a new opening
        ActingAs.user("petra", () -> cases.findCase(target.id()), Roles.PATHOLOGIST);
        assertThat(ActingAs.user("owen", () -> cases.timeline(target.id()), Roles.PATHOLOGIST))
                .filteredOn(e -> e.action().endsWith("_VIEWED")).hasSize(2);
    }

    @Test
    void searchFieldsTreatPercentAndUnderscoreLiterally() {
        String marker = "Q" + System.nanoTime() % 100000;
        ActingAs.run("owen", () -> {
            cases.createPatient(new PatientForm("MRN-U1-" + marker, marker + "_Under Score", LocalDate.of(1980, 1, 1), Sex.FEMALE));
            cases.createPatient(new PatientForm("MRN-U2-" + marker, marker + "XUnder Score", LocalDate.of(1980, 1, 1), Sex.FEMALE));
        }, Roles.PATHOLOGIST);
        assertThat(ActingAs.user("owen", () -> cases.searchPatients(marker + "_", PageRequest.of(0, 10)),
                Roles.PATHOLOGIST)).extracting(PatientSummary::fullName).containsExactly(marker + "_Under Score");
        assertThat(ActingAs.user("owen", () -> cases.countPatients(marker + "%"), Roles.PATHOLOGIST)).isZero();
        assertThat(ActingAs.user("owen", () -> cases.countCases(new CaseFilter("%", null)), Roles.PATHOLOGIST)).isZero();
    }
}
