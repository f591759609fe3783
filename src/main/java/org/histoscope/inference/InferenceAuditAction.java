package org.histoscope.inference;

import org.histoscope.audit.AuditAction;

/** Audit events of the inference feature. */
public enum InferenceAuditAction implements AuditAction {
    PREDICTION_STORED;

    @Override
    public String code() {
        return name();
    }
}
