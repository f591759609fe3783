package org.histoscope.reports;

import org.histoscope.audit.AuditAction;

public enum ReportAuditAction implements AuditAction {
    REPORT_GENERATED,
    REPORT_DOWNLOADED;

    @Override
    public String code() {
        return name();
    }
}
