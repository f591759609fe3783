package org.histoscope.models;

/** Where a model evaluation job stands; stored by name. */
public enum EvaluationStatus {
    RUNNING, DONE, FAILED
}
