package org.histoscope.cases.internal;

import org.histoscope.platform.PeopleText;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.histoscope.platform.Unguarded;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseStatus;

/**
 * Who may read and who may change a case (the access model of docs/security-and-audit.md):
 * every pathologist of the department reads every case; only the case's responsible pathologist (the assigned one,
 * or while nobody is assigned the one who created it) changes it, uploads to it or runs predictions on it; a
 * reviewer reads the cases that have results to review (in review or signed out); an administrator reads every
 * case and is the one who reassigns it. Background jobs act as the system and read everything.
 */
@Component
@Unguarded("the object rule itself, asked by the guarded services after their role rule")
public class CaseAccessPolicy implements CaseReadAccess {

    private final PatientCaseRepository cases;
    private final CurrentUser currentUser;

    CaseAccessPolicy(PatientCaseRepository cases, CurrentUser currentUser) {
        this.cases = cases;
        this.currentUser = currentUser;
    }

    public boolean mayRead(PatientCase patientCase) {
        if (currentUser.hasRole(Roles.PATHOLOGIST) || currentUser.hasRole(Roles.ADMIN)
                || currentUser.hasRole(Roles.SYSTEM)) {
            return true;
        }
        return currentUser.hasRole(Roles.REVIEWER) && patientCase.getStatus() != CaseStatus.OPEN;
    }

    /** Whether a reviewer-only user's searches must leave out cases without results. */
    public boolean seesOnlyCasesInReview() {
        return !(currentUser.hasRole(Roles.PATHOLOGIST) || currentUser.hasRole(Roles.ADMIN)
                || currentUser.hasRole(Roles.SYSTEM));
    }

    public boolean mayModify(PatientCase patientCase) {
        return currentUser.hasRole(Roles.PATHOLOGIST)
                && currentUser.username().map(me -> isResponsible(patientCase, me)).orElse(false);
    }

    static boolean isResponsible(PatientCase patientCase, String username) {
        String responsible = patientCase.getAssignedPathologist() != null
                ? patientCase.getAssignedPathologist() : patientCase.getCreatedBy();
        return responsible != null && responsible.equalsIgnoreCase(username);
    }

    @Override
    @Transactional(readOnly = true)
    public boolean mayRead(long caseId) {
        if (currentUser.hasRole(Roles.SYSTEM)) {
            return true;
        }
        return cases.findById(caseId).map(this::mayRead).orElse(false);
    }

    /** A case that does not exist is reported as such, not as a refusal. */
    @Override
    @Transactional(readOnly = true)
    public void requireRead(long caseId) {
        requireReadable(caseId);
    }

    public PatientCase requireReadable(long caseId) {
        PatientCase patientCase = load(caseId);
        if (!mayRead(patientCase)) {
            throw new AccessDeniedException("You may not open case " + patientCase.getAccessionNumber() + ".");
        }
        return patientCase;
    }

    public PatientCase requireModifiable(long caseId) {
        PatientCase patientCase = load(caseId);
        if (!mayModify(patientCase)) {
            throw new AccessDeniedException("Only the pathologist responsible for case "
                    + patientCase.getAccessionNumber() + " may change it; an administrator can reassign it.");
        }
        return patientCase;
    }

    private PatientCase load(long caseId) {
        return cases.findById(caseId).orElseThrow(() -> new CaseRuleException(PeopleText.of("refusal.cases.case-longer-exists")));
    }
}
