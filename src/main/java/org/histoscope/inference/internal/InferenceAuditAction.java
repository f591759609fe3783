package org.histoscope.inference.internal;

import org.histoscope.audit.AuditAction;

/** Audit events of the inference feature. */
public enum InferenceAuditAction implements AuditAction {
    PREDICTION_STORED,
    /** The occlusion explanation of a stored patch prediction was added (it follows the result as its own step). */
    PREDICTION_EXPLAINED;

    @Override
    public String code() {
        return name();
    }
}
