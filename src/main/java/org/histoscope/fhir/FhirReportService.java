package org.histoscope.fhir;

import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.models.ModelRegistryService;
import org.histoscope.reports.CaseReportFile;
import org.histoscope.reports.CaseReportService;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.SignedReview;
import org.histoscope.security.Roles;
import org.histoscope.fhir.internal.FhirResourceMapper;
import org.histoscope.fhir.internal.FhirSettings;
import org.histoscope.fhir.internal.ReportVersionContent;
import org.histoscope.fhir.internal.ReportVersionReader;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Observation;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The report versions of signed-out cases as FHIR R4 resources, read-only. Everything is read through the features'
 * services, so the case read rule applies (a case the caller may not read is absent, as in the API) and the reads
 * are audited as in the API (the case viewed, a result opened, the PDF downloaded). Ids: DiagnosticReport and
 * DocumentReference {@code <case id>-<version>}, Observation {@code ai-<result id>} and
 * {@code review-<result id>-<review id>}, Device {@code model-<registered model id>}.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class FhirReportService {

    private static final Pattern REPORT_ID = Pattern.compile("(\\d{1,18})-(\\d{1,9})");
    private static final Pattern AI_ID = Pattern.compile("ai-(\\d{1,18})");
    private static final Pattern REVIEW_ID = Pattern.compile("review-(\\d{1,18})-(\\d{1,18})");
    private static final Pattern DEVICE_ID = Pattern.compile("model-(\\d{1,18})");

    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionService predictions;
    private final ReviewQueueService reviews;
    private final CaseReportService reports;
    private final ModelRegistryService models;
    private final FhirResourceMapper mapper;
    private final ReportVersionReader reader;
    private final Clock clock;

    FhirReportService(CaseService cases, CaseImageService images, PredictionService predictions, ReviewQueueService reviews,
                      CaseReportService reports, ModelRegistryService models, FhirSettings settings,
                      ReportVersionReader reader, Clock clock) {
        this.cases = cases;
        this.images = images;
        this.predictions = predictions;
        this.reviews = reviews;
        this.reports = reports;
        this.models = models;
        this.mapper = new FhirResourceMapper(settings);
        this.reader = reader;
        this.clock = clock;
    }

    /**
     * @param apiBase the server's base URL with a trailing slash (for the PDF's URL in presentedForm)
     */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<DiagnosticReport> diagnosticReport(String id, String apiBase) {
        Matcher m = REPORT_ID.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        long caseId = Long.parseLong(m.group(1));
        return content(caseId, Integer.parseInt(m.group(2))).map(content -> {
            cases.openCase(caseId);
            return mapper.diagnosticReport(content, apiBase);
        });
    }

    /** Every report version of the case with this accession number (none when the caller may not read it). */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public List<DiagnosticReport> diagnosticReportsByAccession(String accessionNumber, String apiBase) {
        Optional<CaseSummary> found = cases.findCaseByAccession(accessionNumber);
        if (found.isEmpty()) {
            return List.of();
        }
        long caseId = found.get().id();
        List<DiagnosticReport> result = new ArrayList<>();
        for (CaseReportVersion version : reports.versions(caseId)) {
            content(caseId, version.version()).ifPresent(content -> result.add(mapper.diagnosticReport(content, apiBase)));
        }
        if (!result.isEmpty()) {
            cases.openCase(caseId);
        }
        return result;
    }

    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<Observation> observation(String id) {
        Matcher ai = AI_ID.matcher(id);
        if (ai.matches()) {
            return predictions.find(Long.parseLong(ai.group(1))).flatMap(p -> cases.findCase(p.caseId()).map(c -> {
                cases.recordResultOpened(c.id(), p.id());
                return mapper.aiObservation(p, imageName(p), c, models.findVersion(p.modelId(), p.modelVersion()));
            }));
        }
        Matcher review = REVIEW_ID.matcher(id);
        if (review.matches()) {
            long predictionId = Long.parseLong(review.group(1));
            long reviewId = Long.parseLong(review.group(2));
            return predictions.find(predictionId).flatMap(p -> cases.findCase(p.caseId()).flatMap(c ->
                    reviews.reviewsOf(predictionId).stream().filter(r -> r.id() == reviewId).findFirst().map(r -> {
                        cases.recordResultOpened(c.id(), p.id());
                        return mapper.reviewObservation(r, c);
                    })));
        }
        return Optional.empty();
    }

    /** A model version as a Device (models are no patient data: any caller with a clinical role may read them). */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<Device> device(String id) {
        Matcher m = DEVICE_ID.matcher(id);
        return m.matches() ? models.find(Long.parseLong(m.group(1))).map(mapper::device) : Optional.empty();
    }

    /** The signed PDF of a report version; reading it is audited as a download of the report. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<DocumentReference> documentReference(String id) {
        Matcher m = REPORT_ID.matcher(id);
        if (!m.matches()) {
            return Optional.empty();
        }
        long caseId = Long.parseLong(m.group(1));
        int version = Integer.parseInt(m.group(2));
        return content(caseId, version).flatMap(content -> reports.download(caseId, version)
                .map(CaseReportFile::pdf).map(pdf -> mapper.documentReference(content, pdf)));
    }

    /** What this server offers (GET /fhir/r4/metadata). */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public CapabilityStatement capabilities(String fhirBase) {
        CapabilityStatement statement = new CapabilityStatement();
        statement.setStatus(Enumerations.PublicationStatus.ACTIVE);
        statement.setDate(Date.from(clock.instant()));
        statement.setKind(CapabilityStatement.CapabilityStatementKind.INSTANCE);
        statement.getText().setStatus(org.hl7.fhir.r4.model.Narrative.NarrativeStatus.GENERATED).setDivAsString(
                "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Histoscope FHIR R4: read-only DiagnosticReport, "
                        + "Observation, Device and DocumentReference of signed pathology report versions</p></div>");
        statement.setFhirVersion(Enumerations.FHIRVersion._4_0_1);
        statement.addFormat("json");
        statement.getSoftware().setName("Histoscope");
        statement.getImplementation().setDescription("Histoscope: signed pathology report versions, read-only")
                .setUrl(fhirBase);
        CapabilityStatement.CapabilityStatementRestComponent rest = statement.addRest()
                .setMode(CapabilityStatement.RestfulCapabilityMode.SERVER);
        rest.getSecurity().setDescription("Authorization: Bearer <API token> (Admin → API tokens); roles PATHOLOGIST or REVIEWER");
        for (String type : List.of("DiagnosticReport", "Observation", "Device", "DocumentReference")) {
            CapabilityStatement.CapabilityStatementRestResourceComponent resource = rest.addResource().setType(type);
            resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.READ);
            if (type.equals("DiagnosticReport")) {
                resource.addInteraction().setCode(CapabilityStatement.TypeRestfulInteraction.SEARCHTYPE);
                resource.addSearchParam().setName("identifier").setType(Enumerations.SearchParamType.TOKEN)
                        .setDocumentation("The case's accession number ([system|]value)");
            }
        }
        return statement;
    }

    private Optional<ReportVersionContent> content(long caseId, int version) {
        return reader.content(caseId, version);
    }

    private String imageName(StoredPrediction p) {
        return images.findImage(p.imageId()).map(ImageSummary::originalFilename).orElse("image " + p.imageId());
    }
}
