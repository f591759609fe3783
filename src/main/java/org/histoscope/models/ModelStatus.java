package org.histoscope.models;

/** Lifecycle of a registered model. Exactly one model is ACTIVE at a time. */
public enum ModelStatus {
    /** Validated and usable on request, not the default. */
    AVAILABLE,
    /** The default model for new predictions. */
    ACTIVE,
    /** No longer offered. */
    RETIRED
}
