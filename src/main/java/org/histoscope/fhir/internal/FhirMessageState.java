package org.histoscope.fhir.internal;

/** Where a Bundle for the FHIR server stands: PENDING → SENDING → DELIVERED, or RETRYING, REJECTED (4xx), FAILED. */
public enum FhirMessageState {
    PENDING, SENDING, RETRYING, DELIVERED, REJECTED, FAILED
}
