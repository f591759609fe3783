package org.histoscope.reports.internal;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.histoscope.reports.CaseReportVersion;

@Entity
@Table(name = "case_report")
public class CaseReportEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    public long caseId;
    public int version;
    public String reason;
    @Basic(fetch = FetchType.LAZY)
    @Column(columnDefinition = "bytea")
    public byte[] pdf;
    public String sha256;
    public long sizeBytes;
    public String createdBy;
    public Instant createdAt;

    public CaseReportVersion toVersion() {
        return new CaseReportVersion(caseId, version, reason, sha256, sizeBytes, createdBy, createdAt);
    }
}
