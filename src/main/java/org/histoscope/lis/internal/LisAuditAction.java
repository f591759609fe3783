package org.histoscope.lis.internal;

import org.histoscope.audit.AuditAction;

public enum LisAuditAction implements AuditAction {
    LIS_MESSAGE_QUEUED,
    LIS_MESSAGE_ACKNOWLEDGED,
    LIS_MESSAGE_ATTEMPT_FAILED,
    LIS_MESSAGE_REJECTED,
    LIS_MESSAGE_FAILED,
    LIS_MESSAGE_RESENT;

    @Override
    public String code() {
        return name();
    }
}
