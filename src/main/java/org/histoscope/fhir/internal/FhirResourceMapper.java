package org.histoscope.fhir.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.PatientSummary;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.Verdict;
import org.histoscope.models.RegisteredModel;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.review.SignedReview;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * Turns a report version into FHIR R4: a DiagnosticReport (pathology, the PDF as presentedForm), one Observation per
 * image result for the AI's output (marked as device output: Observation.device, a meta tag and the method), one
 * per standing review for the reviewer's final label (derivedFrom the AI's), a Device for each model version and a
 * DocumentReference holding the signed PDF. Pure: it reads nothing itself.
 */
public final class FhirResourceMapper {

    static final String LOINC = "http://loinc.org";
    static final String SNOMED = "http://snomed.info/sct";
    static final String UCUM = "http://unitsofmeasure.org";
    static final String V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
    static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    static final String AI_RESULT_CODE = "HS-IDC-P";
    static final String FINAL_LABEL_CODE = "HS-IDC-FINAL";
    static final String DEVICE_OUTPUT_TAG = "device-output";

    private final FhirSettings settings;

    public FhirResourceMapper(FhirSettings settings) {
        this.settings = settings;
    }

    static String reportId(long caseId, int version) {
        return caseId + "-" + version;
    }

    static String aiObservationId(long predictionId) {
        return "ai-" + predictionId;
    }

    static String reviewObservationId(SignedReview review) {
        return "review-" + review.predictionId() + "-" + review.id();
    }

    static String deviceId(long registeredModelId) {
        return "model-" + registeredModelId;
    }

    /** @param apiBase Histoscope's address with a trailing slash, for the PDF's URL; null leaves the URL out */
    public DiagnosticReport diagnosticReport(ReportVersionContent content, String apiBase) {
        CaseSummary summary = content.caseSummary();
        CaseReportVersion version = content.version();
        DiagnosticReport report = new DiagnosticReport();
        report.setId(reportId(summary.id(), version.version()));
        report.addIdentifier(accession(summary));
        report.addIdentifier(new Identifier().setSystem(settings.system("report-version"))
                .setValue(summary.accessionNumber() + "-v" + version.version()));
        report.setStatus(version.version() == 1 ? DiagnosticReport.DiagnosticReportStatus.FINAL
                : DiagnosticReport.DiagnosticReportStatus.AMENDED);
        report.addCategory(new CodeableConcept(new Coding(V2_0074, "SP", "Surgical Pathology")));
        report.setCode(reportCode());
        report.setSubject(patient(summary.patient()));
        report.setEffective(new DateTimeType(Date.from(summary.createdAt())));
        report.setIssued(Date.from(version.createdAt()));
        report.addPerformer(new Reference().setDisplay(settings.organization()));
        content.results().stream().map(ReportVersionContent.Result::review).filter(r -> r != null)
                .map(SignedReview::signedBy).distinct()
                .forEach(login -> report.addResultsInterpreter(reviewer(login, content)));
        for (ReportVersionContent.Result result : content.results()) {
            report.addResult(new Reference("Observation/" + aiObservationId(result.prediction().id())));
            if (result.review() != null) {
                report.addResult(new Reference("Observation/" + reviewObservationId(result.review())));
            }
        }
        String conclusion = conclusion(content);
        report.setConclusion(conclusion);
        Attachment presented = report.addPresentedForm().setContentType("application/pdf").setLanguage("en");
        if (apiBase != null) {
            presented.setUrl(apiBase + "api/v1/cases/" + summary.id() + "/reports/" + version.version());
        }
        presented.setSize((int) version.sizeBytes())
                .setTitle("Signed case report " + summary.accessionNumber() + ", version " + version.version())
                .setCreationElement(new DateTimeType(Date.from(version.createdAt())));
        narrative(report, "Pathology report " + summary.accessionNumber() + ", version " + version.version()
                + " (" + report.getStatus().toCode() + "): " + conclusion);
        return report;
    }

    public Observation aiObservation(StoredPrediction p, String imageName, CaseSummary summary,
                              Optional<RegisteredModel> model) {
        Observation observation = new Observation();
        observation.setId(aiObservationId(p.id()));
        observation.getMeta().addTag(settings.codeSystem("tags"), DEVICE_OUTPUT_TAG,
                "Output of a device (AI model), not a person's finding");
        observation.addIdentifier(new Identifier().setSystem(settings.system("result")).setValue(String.valueOf(p.id())));
        observation.setStatus(Observation.ObservationStatus.FINAL);
        observation.addCategory(new CodeableConcept(new Coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory")));
        observation.setCode(new CodeableConcept(new Coding(settings.codeSystem("observation"), AI_RESULT_CODE,
                "IDC probability (AI, device output)")).setText("IDC probability (AI, device output)"));
        observation.setSubject(patient(summary.patient()));
        observation.setEffective(new DateTimeType(Date.from(p.createdAt())));
        observation.setIssued(Date.from(p.createdAt()));
        observation.setValue(probability(p.probability()));
        observation.addInterpretation(interpretation(p.verdict()));
        observation.addReferenceRange().setHigh(probability(p.threshold()))
                .setText("negative below the model's threshold " + decimal(p.threshold()));
        observation.setMethod(new CodeableConcept().setText("Deep-learning classifier " + p.modelId() + " "
                + p.modelVersion() + " on the digitised slide (" + p.mode().name().toLowerCase() + ")"));
        observation.setDevice(device(p, model));
        observation.addComponent().setCode(new CodeableConcept(new Coding(settings.codeSystem("observation"),
                        "HS-IDC-LABEL", "AI label")).setText("AI label"))
                .setValue(new CodeableConcept(aiFinding(p.verdict())).setText(p.displayLabel()));
        observation.addNote().setText("Image: " + imageName + "; case " + summary.accessionNumber()
                + ". Decision support, not a diagnosis: see the reviewer's final label.");
        if (p.assessment().outOfDomain()) {
            observation.addNote().setText(ResultAssessment.OUT_OF_DOMAIN_WARNING);
        }
        if (p.assessment().pixelSizeNote() != null) {
            observation.addNote().setText("Pixel size: " + p.assessment().pixelSizeNote());
        }
        narrative(observation, "AI (device output) on " + imageName + ": probability " + decimal(p.probability())
                + ", threshold " + decimal(p.threshold()) + ", label " + p.displayLabel() + "; model " + p.modelId()
                + " " + p.modelVersion());
        return observation;
    }

    public Observation reviewObservation(SignedReview review, CaseSummary summary) {
        Observation observation = new Observation();
        observation.setId(reviewObservationId(review));
        observation.addIdentifier(new Identifier().setSystem(settings.system("review")).setValue(String.valueOf(review.id())));
        observation.setStatus(review.isAmendment() ? Observation.ObservationStatus.AMENDED
                : Observation.ObservationStatus.FINAL);
        observation.addCategory(new CodeableConcept(new Coding(OBSERVATION_CATEGORY, "laboratory", "Laboratory")));
        observation.setCode(new CodeableConcept(new Coding(settings.codeSystem("observation"), FINAL_LABEL_CODE,
                "Reviewer's final label (IDC)")).setText("Reviewer's final label (IDC)"));
        observation.setSubject(patient(summary.patient()));
        observation.setEffective(new DateTimeType(Date.from(review.signedAt())));
        observation.setIssued(Date.from(review.signedAt()));
        observation.addPerformer(new Reference().setType("Practitioner")
                .setIdentifier(new Identifier().setSystem(settings.system("user")).setValue(review.signedBy()))
                .setDisplay(review.signerName()));
        observation.setValue(new CodeableConcept(new Coding(settings.codeSystem("label"), review.finalLabel(),
                review.finalLabel())).setText(review.finalLabel()));
        observation.addDerivedFrom(new Reference("Observation/" + aiObservationId(review.predictionId())));
        observation.addNote().setText("Decision: " + review.decision() + " (AI label " + review.predictedLabel()
                + "); final diagnosis: " + review.finalDiagnosis()
                + (review.comment() == null ? "" : "; comment: " + review.comment())
                + "; signed (" + review.meaning() + ") by " + review.signerName());
        narrative(observation, "Reviewer's final label: " + review.finalLabel() + " (" + review.decision()
                + ", " + review.signerName() + "). Final diagnosis: " + review.finalDiagnosis());
        return observation;
    }

    public Device device(RegisteredModel model) {
        Device device = new Device();
        device.setId(deviceId(model.id()));
        device.addIdentifier(new Identifier().setSystem(settings.system("model"))
                .setValue(model.modelId() + ":" + model.version()));
        device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
        device.setManufacturer("Histoscope");
        device.addDeviceName().setName(model.name() == null || model.name().isBlank() ? model.modelId() : model.name())
                .setType(Device.DeviceNameType.MODELNAME);
        device.addDeviceName().setName(model.modelId()).setType(Device.DeviceNameType.OTHER);
        device.setType(new CodeableConcept().setText("AI image classifier (software), " + model.architecture()));
        device.addVersion().setValue(model.version());
        device.addNote().setText("Decision support for pathologists (classes: " + String.join(", ", model.classes())
                + "; threshold " + decimal(model.threshold()) + "; sha256 " + model.sha256() + ")");
        narrative(device, "AI model " + model.modelId() + " version " + model.version() + " (" + model.architecture() + ")");
        return device;
    }

    public DocumentReference documentReference(ReportVersionContent content, byte[] pdf) {
        CaseSummary summary = content.caseSummary();
        CaseReportVersion version = content.version();
        DocumentReference document = new DocumentReference();
        document.setId(reportId(summary.id(), version.version()));
        document.setMasterIdentifier(new Identifier().setSystem(settings.system("report-version"))
                .setValue(summary.accessionNumber() + "-v" + version.version()));
        document.addIdentifier(accession(summary));
        document.setStatus(content.newest() ? Enumerations.DocumentReferenceStatus.CURRENT
                : Enumerations.DocumentReferenceStatus.SUPERSEDED);
        document.setDocStatus(version.version() == 1 ? DocumentReference.ReferredDocumentStatus.FINAL
                : DocumentReference.ReferredDocumentStatus.AMENDED);
        document.setType(reportCode());
        document.addCategory(new CodeableConcept(new Coding(V2_0074, "SP", "Surgical Pathology")));
        document.setSubject(patient(summary.patient()));
        document.setDate(Date.from(version.createdAt()));
        document.addAuthor(new Reference().setDisplay(settings.organization()));
        document.setDescription("Signed case report, version " + version.version() + " (" + version.reason() + ")");
        if (version.version() > 1) {
            document.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES)
                    .setTarget(new Reference("DocumentReference/" + reportId(summary.id(), version.version() - 1)));
        }
        document.addContent().setAttachment(new Attachment().setContentType("application/pdf").setLanguage("en")
                .setData(pdf).setSize(pdf.length).setHash(sha1(pdf))
                .setTitle("Signed case report " + summary.accessionNumber() + ", version " + version.version())
                .setCreationElement(new DateTimeType(Date.from(version.createdAt()))));
        document.getContext().addRelated(new Reference("DiagnosticReport/" + reportId(summary.id(), version.version())));
        narrative(document, "Signed case report " + summary.accessionNumber() + ", version " + version.version()
                + " (PDF, " + pdf.length + " bytes, SHA-256 " + version.sha256() + ")");
        return document;
    }

    private CodeableConcept reportCode() {
        return new CodeableConcept(new Coding(LOINC, "11526-1", "Pathology study"))
                .addCoding(new Coding(settings.codeSystem("observation"), "HS-IDC",
                        "AI-assisted IDC classification, histopathology"))
                .setText("AI-assisted IDC classification, histopathology");
    }

    private Identifier accession(CaseSummary summary) {
        return new Identifier().setSystem(settings.accessionSystem()).setValue(summary.accessionNumber())
                .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/v2-0203", "ACSN",
                        "Accession ID")));
    }

    private Reference patient(PatientSummary patient) {
        return new Reference().setType("Patient").setIdentifier(new Identifier().setSystem(settings.mrnSystem())
                .setValue(patient.mrn()).setType(new CodeableConcept(new Coding(
                        "http://terminology.hl7.org/CodeSystem/v2-0203", "MR", "Medical record number"))))
                .setDisplay(patient.fullName());
    }

    private Reference reviewer(String login, ReportVersionContent content) {
        String name = content.results().stream().map(ReportVersionContent.Result::review)
                .filter(r -> r != null && r.signedBy().equals(login)).map(SignedReview::signerName)
                .findFirst().orElse(login);
        return new Reference().setType("Practitioner")
                .setIdentifier(new Identifier().setSystem(settings.system("user")).setValue(login)).setDisplay(name);
    }

    private Reference device(StoredPrediction p, Optional<RegisteredModel> model) {
        Reference reference = model.map(m -> new Reference("Device/" + deviceId(m.id()))).orElseGet(Reference::new);
        return reference.setIdentifier(new Identifier().setSystem(settings.system("model"))
                .setValue(p.modelId() + ":" + p.modelVersion())).setDisplay(p.modelId() + " " + p.modelVersion());
    }

    private static Quantity probability(double value) {
        Quantity quantity = new Quantity();
        quantity.setValue(BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP));
        quantity.setUnit("probability").setSystem(UCUM).setCode("1");
        return quantity;
    }

    private static CodeableConcept interpretation(Verdict verdict) {
        return new CodeableConcept(switch (verdict) {
            case POSITIVE -> new Coding(INTERPRETATION, "POS", "Positive");
            case NEGATIVE -> new Coding(INTERPRETATION, "NEG", "Negative");
            case INDETERMINATE -> new Coding(INTERPRETATION, "IND", "Indeterminate");
        });
    }

    /** The model's positive class is invasive ductal carcinoma (the model card's classes), so its verdicts map onto SNOMED CT. */
    private static Coding aiFinding(Verdict verdict) {
        return switch (verdict) {
            case POSITIVE -> new Coding(SNOMED, "82711006", "Infiltrating duct carcinoma (morphologic abnormality)");
            case NEGATIVE -> new Coding(SNOMED, "260415000", "Not detected (qualifier value)");
            case INDETERMINATE -> new Coding(SNOMED, "82334004", "Indeterminate (qualifier value)");
        };
    }

    private static String conclusion(ReportVersionContent content) {
        List<String> lines = content.results().stream().map(r -> r.imageName() + ": AI " + r.prediction().displayLabel()
                + " (p=" + decimal(r.prediction().probability()) + "), reviewer "
                + (r.review() == null ? "not reviewed" : r.review().finalLabel() + " — " + r.review().finalDiagnosis()))
                .toList();
        return lines.isEmpty() ? "No image results." : String.join("; ", lines);
    }

    private static void narrative(DomainResource resource, String text) {
        resource.getText().setStatus(Narrative.NarrativeStatus.GENERATED)
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + escape(text) + "</p></div>");
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String decimal(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }

    private static byte[] sha1(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
