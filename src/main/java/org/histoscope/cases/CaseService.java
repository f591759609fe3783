package org.histoscope.cases;

import org.histoscope.platform.PeopleText;
import org.histoscope.platform.FreeText;
import java.time.Clock;
import org.histoscope.audit.AuditEntry;
import org.histoscope.platform.SearchText;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.cases.internal.CaseAccessPolicy;
import org.histoscope.cases.internal.CaseAuditAction;
import org.histoscope.cases.internal.Patient;
import org.histoscope.cases.internal.PatientCase;
import org.histoscope.cases.internal.PatientCaseRepository;
import org.histoscope.cases.internal.PatientRepository;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/** Patients and cases: creation, editing, search and the case's status, each change audited. */
@Service
@Validated
@RolesAllowed(Roles.PATHOLOGIST)
public class CaseService {

    private static final String PATIENT = "patient";
    private static final String CASE = "case";

    private final PatientRepository patients;
    private final PatientCaseRepository cases;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final CaseAccessPolicy access;

    private final Clock clock;

    CaseService(PatientRepository patients, PatientCaseRepository cases, AuditService audit, CurrentUser currentUser,
                CaseAccessPolicy access, Clock clock) {
        this.clock = clock;
        this.access = access;
        this.patients = patients;
        this.cases = cases;
        this.audit = audit;
        this.currentUser = currentUser;
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public PatientSummary createPatient(@Valid PatientForm form) {
        requireFreeMrn(form.mrn(), null);
        Patient patient = new Patient(form, currentUser.usernameOrSystem(), clock.instant());
        saveUnique(() -> patients.saveAndFlush(patient), mrnTaken(form.mrn()));
        audit.record(CaseAuditAction.PATIENT_CREATED, PATIENT, patient.getId().toString(),
                Map.of("mrn", patient.getMrn()));
        return patient.toSummary();
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public PatientSummary updatePatient(long patientId, @Valid PatientForm form) {
        Patient patient = patients.findById(patientId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.patient-longer-exists")));
        requireFreeMrn(form.mrn(), patientId);
        PatientSummary before = patient.toSummary();
        patient.apply(form, currentUser.usernameOrSystem(), clock.instant());
        saveUnique(() -> patients.saveAndFlush(patient), mrnTaken(form.mrn()));
        audit.record(CaseAuditAction.PATIENT_UPDATED, PATIENT, String.valueOf(patientId),
                Map.of("before", before.toString(), "after", patient.toSummary().toString()));
        return patient.toSummary();
    }

    /** The patient register is the pathologists' (reviewers reach patients only through the cases they review). */
    @Transactional(readOnly = true)
    public List<PatientSummary> searchPatients(String text, Pageable page) {
        return patients.search(SearchText.containsPattern(text), withDefaultSort(page, Sort.by("fullName")))
                .map(Patient::toSummary).getContent();
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public Optional<PatientSummary> findPatient(long patientId) {
        return patients.findById(patientId).map(Patient::toSummary);
    }

    /** Exact look-up by MRN (trimmed), e.g. for an integration that must not create a patient twice. */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public Optional<PatientSummary> findPatientByMrn(String mrn) {
        return mrn == null ? Optional.empty() : patients.findByMrn(mrn.trim()).map(Patient::toSummary);
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.PATHOLOGIST)
    public long countPatients(String text) {
        return patients.search(SearchText.containsPattern(text), Pageable.ofSize(1)).getTotalElements();
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public CaseSummary createCase(@Valid CaseForm form) {
        requireFreeAccession(form.accessionNumber(), null);
        Patient patient = patients.findById(form.patientId())
                .orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.chosen-patient-longer-exists")));
        PatientCase patientCase = new PatientCase(form, patient, currentUser.usernameOrSystem(), clock.instant());
        saveUnique(() -> cases.saveAndFlush(patientCase), accessionTaken(form.accessionNumber()));
        audit.recordForCase(CaseAuditAction.CASE_CREATED, CASE, patientCase.getId().toString(), patientCase.getId(),
                Map.of("accessionNumber", patientCase.getAccessionNumber(), "patientMrn", patient.getMrn()));
        return patientCase.toSummary();
    }

    @Transactional
    @RolesAllowed(Roles.PATHOLOGIST)
    public CaseSummary updateCase(long caseId, @Valid CaseForm form) {
        PatientCase patientCase = access.requireModifiable(caseId);
        if (patientCase.getStatus() == CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.finalized-case-cannot-edited"));
        }
        if (!sameUser(patientCase.getAssignedPathologist(), form.assignedPathologist())) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.administrator-reassigns-case-another-pathologist"));
        }
        requireFreeAccession(form.accessionNumber(), caseId);
        Patient patient = patients.findById(form.patientId())
                .orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.chosen-patient-longer-exists")));
        CaseSummary before = patientCase.toSummary();
        patientCase.apply(form, patient, currentUser.usernameOrSystem(), clock.instant());
        saveUnique(() -> cases.saveAndFlush(patientCase), accessionTaken(form.accessionNumber()));
        audit.recordForCase(CaseAuditAction.CASE_UPDATED, CASE, String.valueOf(caseId), caseId,
                Map.of("before", before.toForm().toString(), "after", form.toString()));
        return patientCase.toSummary();
    }

    /** The case, if it exists and the user may read it (a case the user may not see is reported as absent). */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Optional<CaseSummary> findCase(long caseId) {
        return cases.findById(caseId).filter(access::mayRead).map(PatientCase::toSummary);
    }

    /**
     * As {@link #findCase}, for a view that opens the case: the reading is recorded in the audit log (HIPAA
     * 164.312(b)), once per opening.
     */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public Optional<CaseSummary> openCase(long caseId) {
        Optional<CaseSummary> found = findCase(caseId);
        found.ifPresent(c -> audit.recordForCase(CaseAuditAction.CASE_VIEWED, CASE, String.valueOf(caseId), caseId,
                Map.of("accessionNumber", c.accessionNumber())));
        return found;
    }

    /** Records that the user opened one result (prediction) of a readable case. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public void recordResultOpened(long caseId, long predictionId) {
        access.requireReadable(caseId);
        audit.recordForCase(CaseAuditAction.RESULT_VIEWED, "prediction", String.valueOf(predictionId), caseId,
                Map.of());
    }

    /** What the signed-in user may do with the case, so views offer only what the services will allow. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public CaseRights rightsOn(long caseId) {
        PatientCase patientCase = access.requireReadable(caseId);
        return new CaseRights(access.mayModify(patientCase), currentUser.hasRole(Roles.ADMIN));
    }

    /** @param modify change the case, upload to it, run predictions; @param reassign choose its pathologist */
    public record CaseRights(boolean modify, boolean reassign) {
    }

    /** An administrator hands the case to another pathologist (or to nobody); the reason is kept in the audit log. */
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public CaseSummary reassign(long caseId, String pathologist, String reason) {
        reason = FreeText.clean(reason);
        if (reason == null || reason.isBlank()) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.give-reason-reassignment"));
        }
        PatientCase patientCase = load(caseId);
        if (patientCase.getStatus() == CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.finalized-case-cannot-reassigned"));
        }
        String previous = patientCase.getAssignedPathologist();
        String next = blankToNull(pathologist);
        patientCase.reassign(next, currentUser.usernameOrSystem(), clock.instant());
        cases.saveAndFlush(patientCase);
        audit.recordForCase(CaseAuditAction.CASE_REASSIGNED, CASE, String.valueOf(caseId), caseId,
                Map.of("from", previous == null ? "" : previous, "to", next == null ? "" : next,
                        "reason", reason.strip()));
        return patientCase.toSummary();
    }

    /** The case's audit events, for those who may read the case. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<AuditEntry> timeline(long caseId) {
        access.requireReadable(caseId);
        return audit.caseTimeline(caseId);
    }

    /** Exact look-up by accession number (trimmed); like {@link #findCase}, a case the user may not read is absent. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<CaseSummary> findCaseByAccession(String accessionNumber) {
        return accessionNumber == null ? Optional.empty()
                : cases.findByAccessionNumber(accessionNumber.trim()).filter(access::mayRead).map(PatientCase::toSummary);
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<CaseSummary> searchCases(CaseFilter filter, Pageable page) {
        return cases.search(SearchText.containsPattern(filter.text()), filter.status(), access.seesOnlyCasesInReview(),
                        withDefaultSort(page, Sort.by(Sort.Direction.DESC, "updatedAt"))).map(PatientCase::toSummary).getContent();
    }

    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public long countCases(CaseFilter filter) {
        return cases.search(SearchText.containsPattern(filter.text()), filter.status(), access.seesOnlyCasesInReview(),
                Pageable.ofSize(1)).getTotalElements();
    }

    /**
     * First step of a finalization (or of a not-assessable mark, which counts toward it), inside the caller's
     * transaction: locks the case, so that no job adds a result and no upload or re-run adds work until the caller
     * has checked every image and finalized the case (or given up).
     */
    @Transactional(propagation = Propagation.MANDATORY)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public CaseSummary lockForFinalization(long caseId) {
        PatientCase patientCase = cases.lockById(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")));
        if (patientCase.getStatus() == CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.case-already-finalized"));
        }
        return patientCase.toSummary();
    }

    /**
     * Final step of a finalization, inside the review feature's transaction (which has checked every result is
     * signed and stored the signed final diagnosis): only the case's responsible pathologist closes it.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    @RolesAllowed(Roles.PATHOLOGIST)
    public CaseSummary markFinalized(long caseId) {
        PatientCase patientCase = cases.lockById(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")));
        if (!access.mayModify(patientCase)) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.pathologist-responsible-case-finalizes", String.valueOf(patientCase.getAccessionNumber())));
        }
        if (patientCase.getStatus() == CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.case-already-finalized"));
        }
        changeStatus(patientCase, CaseStatus.SIGNED_OUT, currentUser.usernameOrSystem());
        return patientCase.toSummary();
    }

    /**
     * First step of an amendment of a finalized case's final diagnosis, inside the caller's transaction: locks the
     * case, so that two amendments do not cross, and checks that the caller is its responsible pathologist.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    @RolesAllowed(Roles.PATHOLOGIST)
    public CaseSummary lockFinalized(long caseId) {
        PatientCase patientCase = cases.lockById(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")));
        if (!access.mayModify(patientCase)) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.pathologist-responsible-case-amends-final", String.valueOf(patientCase.getAccessionNumber())));
        }
        if (patientCase.getStatus() != CaseStatus.SIGNED_OUT) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.case-finalized-yet-finalize-first"));
        }
        return patientCase.toSummary();
    }

    /** A case with its first result moves to review; called by the job runner, so no user role is required. */
    @Transactional
    @RolesAllowed(Roles.SYSTEM)
    public void moveToReviewIfOpen(long caseId, String actor) {
        if (cases.changeStatusIf(caseId, CaseStatus.OPEN, CaseStatus.IN_REVIEW, actor, clock.instant()) == 1) {
            audit.recordForCase(CaseAuditAction.CASE_STATUS_CHANGED, CASE, String.valueOf(caseId), caseId,
                    Map.of("from", CaseStatus.OPEN.name(), "to", CaseStatus.IN_REVIEW.name(), "by", actor));
        }
    }

    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN, Roles.SYSTEM})
    CaseStatus statusOf(long caseId) {
        return load(caseId).getStatus();
    }

    /** The status, read under a shared lock: work may be added to the case only while no sign-out runs. */
    CaseStatus lockedStatusOf(long caseId) {
        return cases.lockForShare(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")))
                .getStatus();
    }

    private void changeStatus(PatientCase patientCase, CaseStatus next, String actor) {
        CaseStatus previous = patientCase.getStatus();
        patientCase.changeStatus(next, actor, clock.instant());
        audit.recordForCase(CaseAuditAction.CASE_STATUS_CHANGED, CASE, patientCase.getId().toString(),
                patientCase.getId(), Map.of("from", previous.name(), "to", next.name(), "by", actor));
    }

    private PatientCase load(long caseId) {
        return cases.findById(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")));
    }

    private void requireFreeMrn(String mrn, Long ownId) {
        patients.findByMrn(mrn.trim()).filter(p -> !p.getId().equals(ownId))
                .ifPresent(p -> {
                    throw mrnTaken(mrn);
                });
    }

    private void requireFreeAccession(String accession, Long ownId) {
        cases.findByAccessionNumber(accession.trim()).filter(c -> !c.getId().equals(ownId))
                .ifPresent(c -> {
                    throw accessionTaken(accession);
                });
    }

    private static DuplicateKeyException mrnTaken(String mrn) {
        return new DuplicateKeyException("mrn", PeopleText.of("refusal.cases.patient-mrn-already-exists", String.valueOf(mrn.trim())));
    }

    private static DuplicateKeyException accessionTaken(String accession) {
        return new DuplicateKeyException("accessionNumber",
                PeopleText.of("refusal.cases.case-accession-number-already-exists", String.valueOf(accession.trim())));
    }

    /** The look-up above catches the usual case; the unique constraint catches two users saving at once. */
    private static void saveUnique(Runnable save, DuplicateKeyException ifTaken) {
        try {
            save.run();
        } catch (DataIntegrityViolationException e) {
            throw ifTaken;
        } catch (OptimisticLockingFailureException e) {
            throw new CaseRuleException(PeopleText.of("refusal.cases.someone-changed-record-meanwhile-close"));
        }
    }

    private static Pageable withDefaultSort(Pageable page, Sort sort) {
        return page.getSort().isSorted() ? page : PageRequest.of(page.getPageNumber(), page.getPageSize(), sort);
    }

    private static boolean sameUser(String a, String b) {
        String left = blankToNull(a);
        String right = blankToNull(b);
        return left == null ? right == null : left.equalsIgnoreCase(right == null ? "" : right);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
