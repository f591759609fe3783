package org.histoscope.review.internal;

import org.histoscope.audit.AuditAction;

public enum ReviewAuditAction implements AuditAction {
    REVIEW_QUEUED, REVIEW_SIGNED, REVIEW_AMENDED, SIGNATURE_REJECTED, CASE_SIGN_OUT_REQUESTED,
    IMAGE_MARKED_NOT_ASSESSABLE, CASE_FINALIZED, CASE_FINALIZATION_AMENDED;

    @Override
    public String code() {
        return name();
    }
}
