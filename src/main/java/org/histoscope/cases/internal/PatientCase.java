package org.histoscope.cases.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;

@Entity
@Table(name = "patient_case")
public class PatientCase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String accessionNumber;
    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "patient_id")
    private Patient patient;
    private String specimen;
    private String site;
    private String clinicalNotes;
    @Enumerated(EnumType.STRING)
    private CaseStatus status;
    private String assignedPathologist;
    @Column(updatable = false)
    private String createdBy;
    @Column(updatable = false)
    private Instant createdAt;
    private String updatedBy;
    private Instant updatedAt;
    @Version
    private long version;

    public PatientCase() {
    }

    public PatientCase(CaseForm form, Patient patient, String actor, Instant now) {
        this.status = CaseStatus.OPEN;
        this.createdBy = actor;
        this.createdAt = now;
        apply(form, patient, actor, now);
    }

    public void apply(CaseForm form, Patient patient, String actor, Instant now) {
        this.accessionNumber = form.accessionNumber().trim();
        this.patient = patient;
        this.specimen = form.specimen().trim();
        this.site = blankToNull(form.site());
        this.clinicalNotes = blankToNull(form.clinicalNotes());
        this.assignedPathologist = blankToNull(form.assignedPathologist());
        touch(actor, now);
    }

    public void changeStatus(CaseStatus next, String actor, Instant now) {
        this.status = next;
        touch(actor, now);
    }

    private void touch(String actor, Instant now) {
        this.updatedBy = actor;
        this.updatedAt = now;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    public CaseSummary toSummary() {
        return new CaseSummary(id, accessionNumber, patient.toSummary(), specimen, site, clinicalNotes, status,
                assignedPathologist, createdBy, createdAt, updatedBy, updatedAt);
    }

    public Long getId() {
        return id;
    }

    public String getAccessionNumber() {
        return accessionNumber;
    }

    public CaseStatus getStatus() {
        return status;
    }

    public String getAssignedPathologist() {
        return assignedPathologist;
    }

    String getCreatedBy() {
        return createdBy;
    }

    public void reassign(String pathologist, String actor, Instant now) {
        this.assignedPathologist = pathologist;
        touch(actor, now);
    }
}
