package org.histoscope.reports.internal;

import org.histoscope.audit.AuditAction;

public enum ReportAuditAction implements AuditAction {
    REPORT_GENERATED,
    REPORT_DOWNLOADED;

    @Override
    public String code() {
        return name();
    }
}
