package org.histoscope.audit.internal;

import org.histoscope.audit.AuditAction;

/** What is done with the audit log itself (reading it is recorded too: 21 CFR 11.10(e), HIPAA 164.312(b)). */
public enum AuditLogAction implements AuditAction {
    AUDIT_EXPORTED,
    AUDIT_CHAIN_VERIFIED;

    @Override
    public String code() {
        return name();
    }
}
