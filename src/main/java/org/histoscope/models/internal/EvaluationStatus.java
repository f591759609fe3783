package org.histoscope.models.internal;

/** Where a model evaluation job stands; stored by name. */
public enum EvaluationStatus {
    RUNNING, DONE, FAILED
}
