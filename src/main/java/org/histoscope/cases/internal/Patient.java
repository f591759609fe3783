package org.histoscope.cases.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Version;
import java.time.Instant;
import java.time.LocalDate;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.Sex;

@Entity
public class Patient {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String mrn;
    private String fullName;
    private LocalDate dateOfBirth;
    @Enumerated(EnumType.STRING)
    private Sex sex;
    @Column(updatable = false)
    private String createdBy;
    @Column(updatable = false)
    private Instant createdAt;
    private String updatedBy;
    private Instant updatedAt;
    @Version
    private long version;

    public Patient() {
    }

    public Patient(PatientForm form, String actor, Instant now) {
        this.createdBy = actor;
        this.createdAt = now;
        apply(form, actor, now);
    }

    public void apply(PatientForm form, String actor, Instant now) {
        this.mrn = form.mrn().trim();
        this.fullName = form.fullName().trim();
        this.dateOfBirth = form.dateOfBirth();
        this.sex = form.sex();
        this.updatedBy = actor;
        this.updatedAt = now;
    }

    public PatientSummary toSummary() {
        return new PatientSummary(id, mrn, fullName, dateOfBirth, sex);
    }

    public Long getId() {
        return id;
    }

    public String getMrn() {
        return mrn;
    }
}
