package org.histoscope.fhir.internal;

import org.histoscope.audit.AuditAction;

public enum FhirAuditAction implements AuditAction {
    FHIR_BUNDLE_QUEUED,
    FHIR_BUNDLE_DELIVERED,
    FHIR_BUNDLE_ATTEMPT_FAILED,
    FHIR_BUNDLE_REJECTED,
    FHIR_BUNDLE_FAILED;

    @Override
    public String code() {
        return name();
    }
}
