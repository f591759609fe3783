package org.histoscope.lis.internal;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.v251.datatype.ED;
import ca.uhn.hl7v2.model.v251.datatype.NM;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import org.histoscope.cases.PatientSummary;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.review.SignedReview;

/**
 * Builds the HL7 v2.5.1 ORU^R01 of a report version: PID (the patient by MRN), one OBR for the case (its accession
 * number as placer and filler order number; result status F for the first version, C for an amendment), one NM OBX
 * per image result (the probability; reference range the threshold; abnormal flag the AI's label; observation
 * method and equipment the model and version; responsible observer the reviewer) followed by an NTE that spells
 * out the AI's label, the threshold and the reviewer's final label, and a last OBX with the signed PDF (ED, Base64).
 */
final class OruMessageBuilder {

    static final String SENDING_APPLICATION = "HISTOSCOPE";
    static final String RESULT_CODE = "HS-IDC-P";
    static final String REPORT_CODE = "HS-REPORT-PDF";
    private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final HapiContext context;
    private final LisSettings settings;

    OruMessageBuilder(HapiContext context, LisSettings settings) {
        this.context = context;
        this.settings = settings;
    }

    String build(ReportMessageContent content) {
        try {
            ORU_R01 oru = new ORU_R01();
            oru.setParser(context.getPipeParser());
            oru.initQuickstart("ORU", "R01", "P");
            header(oru.getMSH(), content);
            patient(oru.getPATIENT_RESULT().getPATIENT().getPID(), content.caseSummary().patient());
            ORU_R01_ORDER_OBSERVATION order = oru.getPATIENT_RESULT().getORDER_OBSERVATION();
            String status = content.reportVersion() == 1 ? "F" : "C";
            order(order.getOBR(), content, status);
            int setId = 0;
            for (ReportMessageContent.Result result : content.results()) {
                ORU_R01_OBSERVATION observation = order.getOBSERVATION(setId);
                setId++;
                result(oru, observation, setId, result, status);
            }
            pdf(oru, order.getOBSERVATION(setId).getOBX(), setId + 1, content, status);
            return context.getPipeParser().encode(oru);
        } catch (HL7Exception | IOException e) {
            throw new IllegalStateException("The HL7 message of report version " + content.reportVersion()
                    + " could not be built", e);
        }
    }

    private void header(MSH msh, ReportMessageContent content) throws HL7Exception {
        msh.getSendingApplication().getNamespaceID().setValue(SENDING_APPLICATION);
        msh.getSendingFacility().getNamespaceID().setValue(settings.sendingFacility());
        msh.getReceivingApplication().getNamespaceID().setValue(settings.receivingApplication());
        msh.getReceivingFacility().getNamespaceID().setValue(settings.receivingFacility());
        msh.getDateTimeOfMessage().getTime().setValue(time(content.sentAt()));
        msh.getMessageControlID().setValue(content.controlId());
        msh.getAcceptAcknowledgmentType().setValue("NE");
        msh.getApplicationAcknowledgmentType().setValue("AL");
        // names and diagnoses are not ASCII everywhere; both ends read MSH-18 to choose the bytes' charset
        msh.getCharacterSet(0).setValue("UNICODE UTF-8");
    }

    private static void patient(PID pid, PatientSummary patient) throws HL7Exception {
        pid.getSetIDPID().setValue("1");
        pid.getPatientIdentifierList(0).getIDNumber().setValue(patient.mrn());
        pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue("MR");
        String name = patient.fullName().trim();
        int lastSpace = name.lastIndexOf(' ');
        pid.getPatientName(0).getFamilyName().getSurname().setValue(lastSpace < 0 ? name : name.substring(lastSpace + 1));
        if (lastSpace > 0) {
            pid.getPatientName(0).getGivenName().setValue(name.substring(0, lastSpace));
        }
        if (patient.dateOfBirth() != null) {
            pid.getDateTimeOfBirth().getTime().setValue(patient.dateOfBirth().toString().replace("-", ""));
        }
        if (patient.sex() != null) {
            pid.getAdministrativeSex().setValue(switch (patient.sex().name()) {
                case "FEMALE" -> "F";
                case "MALE" -> "M";
                case "OTHER" -> "O";
                default -> "U";
            });
        }
    }

    private static void order(OBR obr, ReportMessageContent content, String status) throws HL7Exception {
        String accession = content.caseSummary().accessionNumber();
        obr.getSetIDOBR().setValue("1");
        obr.getPlacerOrderNumber().getEntityIdentifier().setValue(accession);
        obr.getFillerOrderNumber().getEntityIdentifier().setValue(accession);
        obr.getFillerOrderNumber().getNamespaceID().setValue(SENDING_APPLICATION);
        obr.getUniversalServiceIdentifier().getIdentifier().setValue("HS-IDC");
        obr.getUniversalServiceIdentifier().getText().setValue("AI-assisted IDC classification, histopathology");
        obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue("L");
        obr.getObservationDateTime().getTime().setValue(time(content.caseSummary().createdAt()));
        obr.getResultsRptStatusChngDateTime().getTime().setValue(time(content.reportCreatedAt()));
        obr.getDiagnosticServSectID().setValue("SP");
        obr.getResultStatus().setValue(status);
        if (content.caseSummary().specimen() != null) {
            obr.getSpecimenSource().getSpecimenSourceNameOrCode().getText().setValue(content.caseSummary().specimen());
        }
    }

    private static void result(ORU_R01 oru, ORU_R01_OBSERVATION observation, int setId,
                               ReportMessageContent.Result result, String status) throws HL7Exception {
        StoredPrediction p = result.prediction();
        OBX obx = observation.getOBX();
        obx.getSetIDOBX().setValue(String.valueOf(setId));
        obx.getValueType().setValue("NM");
        obx.getObservationIdentifier().getIdentifier().setValue(RESULT_CODE);
        obx.getObservationIdentifier().getText().setValue("IDC probability (AI, device output)");
        obx.getObservationIdentifier().getNameOfCodingSystem().setValue("L");
        obx.getObservationSubID().setValue(String.valueOf(p.id()));
        NM probability = new NM(oru);
        probability.setValue(decimal(p.probability()));
        obx.getObservationValue(0).setData(probability);
        obx.getReferencesRange().setValue("<" + decimal(p.threshold()));
        obx.getAbnormalFlags(0).setValue(p.positive() ? "A" : "N");
        obx.getObservationResultStatus().setValue(status);
        obx.getDateTimeOfTheObservation().getTime().setValue(time(p.createdAt()));
        obx.getObservationMethod(0).getIdentifier().setValue(p.modelId());
        obx.getObservationMethod(0).getText().setValue(p.modelId() + " " + p.modelVersion());
        obx.getObservationMethod(0).getNameOfCodingSystem().setValue("L");
        obx.getEquipmentInstanceIdentifier(0).getEntityIdentifier().setValue(p.modelId() + ":" + p.modelVersion());
        obx.getEquipmentInstanceIdentifier(0).getNamespaceID().setValue(SENDING_APPLICATION);
        SignedReview review = result.review();
        if (review != null) {
            XCN observer = obx.getResponsibleObserver(0);
            observer.getIDNumber().setValue(review.signedBy());
            observer.getFamilyName().getSurname().setValue(review.signerName());
            obx.getDateTimeOfTheAnalysis().getTime().setValue(time(review.signedAt()));
        }
        observation.getNTE(0).getSetIDNTE().setValue("1");
        observation.getNTE(0).getComment(0).setValue("Image: " + result.imageName()
                + "; AI label: " + p.label() + "; threshold: " + decimal(p.threshold())
                + "; model: " + p.modelId() + " " + p.modelVersion()
                + "; reviewer final label: " + (review == null ? "not reviewed" : review.finalLabel()
                + " (" + review.decision() + ", " + review.signerName() + ")"));
    }

    private static void pdf(ORU_R01 oru, OBX obx, int setId, ReportMessageContent content, String status)
            throws HL7Exception {
        obx.getSetIDOBX().setValue(String.valueOf(setId));
        obx.getValueType().setValue("ED");
        obx.getObservationIdentifier().getIdentifier().setValue(REPORT_CODE);
        obx.getObservationIdentifier().getText().setValue("Signed case report, version " + content.reportVersion());
        obx.getObservationIdentifier().getNameOfCodingSystem().setValue("L");
        ED document = new ED(oru);
        document.getSourceApplication().getNamespaceID().setValue(SENDING_APPLICATION);
        document.getTypeOfData().setValue("AP");
        document.getDataSubtype().setValue("PDF");
        document.getEncoding().setValue("Base64");
        // Base64's alphabet holds none of HL7's delimiters, so the PDF travels unescaped
        document.getData().setValue(Base64.getEncoder().encodeToString(content.pdf()));
        obx.getObservationValue(0).setData(document);
        obx.getObservationResultStatus().setValue(status);
    }

    static String time(Instant instant) {
        return HL7_TIME.format(instant);
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }
}
