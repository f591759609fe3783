package org.histoscope.review.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.histoscope.review.FinalDiagnosis;
import org.histoscope.review.FinalDiagnosisForm;
import org.histoscope.review.SignatureMeaning;

/** One signed version of a case's final diagnosis; immutable, as in the database (V13_0). */
@Entity
@Immutable
@Table(name = "case_finalization")
public class CaseFinalization {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private long caseId;
    private int version;
    private boolean idcPresent;
    private BigDecimal largestFocusMm;
    @Column(name = "idc_percent")
    private BigDecimal idcPercent;
    private String diagnosis;
    private String amendmentReason;
    private String signedBy;
    private String signerName;
    private Instant signedAt;
    @Enumerated(EnumType.STRING)
    @Column(name = "signature_meaning")
    private SignatureMeaning meaning;
    private Long amendsId;

    public CaseFinalization() {
    }

    public CaseFinalization(long caseId, int version, FinalDiagnosisForm form, String signedBy, String signerName,
                     Instant signedAt, Long amendsId) {
        this.caseId = caseId;
        this.version = version;
        this.idcPresent = form.idcPresent();
        this.largestFocusMm = form.idcPresent() ? form.largestFocusMm() : null;
        this.idcPercent = form.idcPresent() ? form.idcPercent() : null;
        this.diagnosis = form.diagnosis().trim();
        this.amendmentReason = amendsId == null ? null : form.amendmentReason().trim();
        this.signedBy = signedBy;
        this.signerName = signerName;
        this.signedAt = signedAt;
        this.meaning = form.meaning();
        this.amendsId = amendsId;
    }

    public FinalDiagnosis toFinalDiagnosis(String segregationNote) {
        return new FinalDiagnosis(id, caseId, version, idcPresent, largestFocusMm, idcPercent, diagnosis,
                amendmentReason, signedBy, signerName, signedAt, meaning, amendsId, segregationNote);
    }

    public Long getId() {
        return id;
    }

    long getCaseId() {
        return caseId;
    }

    public int getVersion() {
        return version;
    }
}
