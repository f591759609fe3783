package org.histoscope.reports;

/**
 * Published inside the transaction that stored a new report version (sign-out, amendment), so what listeners
 * store (an outbox message for the laboratory information system) commits or rolls back with the report.
 */
public record CaseReportCreated(CaseReportFile report) {
}
