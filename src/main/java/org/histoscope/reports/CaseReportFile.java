package org.histoscope.reports;

/** A report version with its PDF bytes. */
public record CaseReportFile(CaseReportVersion version, byte[] pdf) {

    public String fileName(String accessionNumber) {
        return "case-" + accessionNumber.replaceAll("[^A-Za-z0-9.-]", "_") + "-report-v" + version.version() + ".pdf";
    }
}
