package org.histoscope.reports;

import jakarta.persistence.Basic;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "case_report")
class CaseReportEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    Long id;
    long caseId;
    int version;
    String reason;
    @Basic(fetch = FetchType.LAZY)
    @Column(columnDefinition = "bytea")
    byte[] pdf;
    String sha256;
    long sizeBytes;
    String createdBy;
    Instant createdAt;

    CaseReportVersion toVersion() {
        return new CaseReportVersion(caseId, version, reason, sha256, sizeBytes, createdBy, createdAt);
    }
}
