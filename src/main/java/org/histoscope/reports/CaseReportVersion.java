package org.histoscope.reports;

import java.time.Instant;

/** One stored version of a case's signed report; the PDF's SHA-256 lets anyone check a copy is unchanged. */
public record CaseReportVersion(long caseId, int version, String reason, String sha256, long sizeBytes,
                                String createdBy, Instant createdAt) {
}
