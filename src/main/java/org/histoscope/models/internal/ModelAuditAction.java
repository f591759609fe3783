package org.histoscope.models.internal;

import org.histoscope.audit.AuditAction;

/** Audit events of the model registry. */
public enum ModelAuditAction implements AuditAction {
    /** A package found in the models directory at start-up was registered. */
    MODEL_REGISTERED,
    /** An administrator added a package. */
    MODEL_ADDED,
    MODEL_ACTIVATED,
    MODEL_RETIRED,
    MODEL_THRESHOLD_CHANGED,
    /** An administrator started an evaluation on an uploaded data set (the result follows as MODEL_EVALUATED). */
    MODEL_EVALUATION_STARTED,
    /** A model was evaluated on an uploaded labelled data set. */
    MODEL_EVALUATED;

    @Override
    public String code() {
        return name();
    }
}
