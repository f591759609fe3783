package org.histoscope.security;

/**
 * The department's read rule for patient cases (docs/security-and-audit.md), for features that hold data of a case
 * but not the case itself (predictions, reviews). Implemented by the cases feature.
 */
public interface CaseReadAccess {

    /** Whether the signed-in user may read the case; false for a case that does not exist. */
    boolean mayRead(long caseId);

    /** @throws org.springframework.security.access.AccessDeniedException when the user may not read the case */
    default void requireRead(long caseId) {
        if (!mayRead(caseId)) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "You may not open this case (case " + caseId + ")");
        }
    }
}
