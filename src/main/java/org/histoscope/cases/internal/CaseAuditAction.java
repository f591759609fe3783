package org.histoscope.cases.internal;

import org.histoscope.audit.AuditAction;

public enum CaseAuditAction implements AuditAction {
    PATIENT_CREATED, PATIENT_UPDATED,
    CASE_CREATED, CASE_UPDATED, CASE_STATUS_CHANGED,
    IMAGE_UPLOADED, IMAGE_REJECTED, IMAGE_DUPLICATE_FLAGGED,
    PREDICTION_QUEUED, PREDICTION_STARTED, PREDICTION_COMPLETED, PREDICTION_FAILED, PREDICTION_ARRIVED_AFTER_SIGN_OUT,
    PREDICTION_RETRY_REQUESTED, PREDICTION_RERUN_REQUESTED,
    CASE_REASSIGNED,
    /** Reads of patient data, one per opening of a view or download (HIPAA 164.312(b)). */
    CASE_VIEWED, RESULT_VIEWED, ORIGINAL_OPENED,
    /** A user opened an image in the deep-zoom viewer (once per opening, not per tile). */
    SLIDE_VIEWER_OPENED,
    /** An administrator changed the department's default pixel size (issue 22). */
    DEFAULT_PIXEL_SIZE_CHANGED;

    @Override
    public String code() {
        return name();
    }
}
