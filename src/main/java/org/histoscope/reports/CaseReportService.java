package org.histoscope.reports;

import jakarta.annotation.security.RolesAllowed;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.ModelCatalog;
import org.histoscope.inference.PredictionService;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.RegisteredModel;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.CaseFinalizationService;
import org.histoscope.review.NotAssessableService;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.SignedReview;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.springframework.context.ApplicationEventPublisher;
import org.histoscope.users.UserDirectory;
import org.histoscope.reports.internal.CaseReportEntity;
import org.histoscope.reports.internal.CaseReportPdf;
import org.histoscope.reports.internal.CaseReportRepository;
import org.histoscope.reports.internal.ReportAuditAction;
import org.histoscope.reports.internal.ReportContent;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Signed case reports: made when a case is finalized (version 1) and again for each later amendment (next
 * version; earlier versions stay). Each is stored with its SHA-256 and audited; downloads are audited too.
 */
@Service
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
public class CaseReportService {

    private static final String REPORT = "case_report";
    private static final int THUMBNAIL_SIDE = 400;

    private final CaseReportRepository reports;
    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionService predictions;
    private final ReviewQueueService reviews;
    private final NotAssessableService notAssessable;
    private final CaseFinalizationService finalization;
    private final ModelRegistry models;
    private final ModelCatalog catalog;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final UserDirectory users;
    private final Clock clock;
    private final ApplicationEventPublisher events;

    CaseReportService(CaseReportRepository reports, CaseService cases, CaseImageService images,
                      PredictionService predictions, ReviewQueueService reviews, NotAssessableService notAssessable,
                      CaseFinalizationService finalization, ModelRegistry models, ModelCatalog catalog,
                      AuditService audit, CurrentUser currentUser, UserDirectory users, Clock clock,
                      ApplicationEventPublisher events) {
        this.users = users;
        this.reports = reports;
        this.cases = cases;
        this.images = images;
        this.predictions = predictions;
        this.reviews = reviews;
        this.notAssessable = notAssessable;
        this.finalization = finalization;
        this.models = models;
        this.catalog = catalog;
        this.audit = audit;
        this.currentUser = currentUser;
        this.clock = clock;
        this.events = events;
    }

    /** Every report version of the case, oldest first (empty until the case is finalized). */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public List<CaseReportVersion> versions(long caseId) {
        return reports.findByCaseIdOrderByVersionAsc(caseId).stream().map(CaseReportEntity::toVersion).toList();
    }

    /** One version's PDF; the download is audited. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<CaseReportFile> download(long caseId, int version) {
        Optional<CaseReportFile> file = reports.findByCaseIdAndVersion(caseId, version)
                .map(entity -> new CaseReportFile(entity.toVersion(), entity.pdf));
        file.ifPresent(found -> audit.recordForCase(ReportAuditAction.REPORT_DOWNLOADED, REPORT,
                caseId + "/v" + version, caseId, Map.of("version", version, "sha256", found.version().sha256())));
        return file;
    }

    /** The newest version's PDF, audited as a download. */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public Optional<CaseReportFile> downloadLatest(long caseId) {
        int latest = reports.latestVersion(caseId);
        return latest == 0 ? Optional.empty() : download(caseId, latest);
    }

    /**
     * Called inside the finalization's or an amendment's transaction, as the user who did it: the responsible
     * pathologist finalizes and amends the final diagnosis, a reviewer amends a review.
     */
    @Transactional
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public CaseReportVersion generate(long caseId, String reason) {
        int version = reports.latestVersion(caseId) + 1;
        Instant now = clock.instant();
        String by = currentUser.usernameOrSystem();
        byte[] pdf = CaseReportPdf.render(gather(caseId, version, reason, now, by));
        CaseReportEntity entity = new CaseReportEntity();
        entity.caseId = caseId;
        entity.version = version;
        entity.reason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        entity.pdf = pdf;
        entity.sha256 = sha256(pdf);
        entity.sizeBytes = pdf.length;
        entity.createdBy = by;
        entity.createdAt = now;
        reports.saveAndFlush(entity);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", version);
        details.put("reason", entity.reason);
        details.put("sha256", entity.sha256);
        details.put("bytes", pdf.length);
        audit.recordForCase(ReportAuditAction.REPORT_GENERATED, REPORT, caseId + "/v" + version, caseId, details);
        CaseReportVersion made = entity.toVersion();
        events.publishEvent(new CaseReportCreated(new CaseReportFile(made, pdf)));
        return made;
    }

    /** True when the case already has a report, i.e. it was finalized. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER})
    public boolean hasReport(long caseId) {
        return reports.latestVersion(caseId) > 0;
    }

    private ReportContent gather(long caseId, int version, String reason, Instant now, String by) {
        CaseSummary summary = cases.findCase(caseId).orElseThrow();
        Map<Long, List<SignedReview>> reviewsByPrediction = reviews.reviewsOfCase(caseId).stream()
                .collect(Collectors.groupingBy(SignedReview::predictionId));
        Map<Long, List<NotAssessableMark>> marksByImage = notAssessable.notAssessableOfCase(caseId).stream()
                .collect(Collectors.groupingBy(NotAssessableMark::imageId));
        List<ReportContent.ImageSection> sections = images.imagesOfCase(caseId).stream()
                .map(image -> new ReportContent.ImageSection(image, thumbnail(image),
                        predictions.forImage(image.id()).stream()
                                .map(p -> new ReportContent.PredictionSection(p, predictions.heatmapPng(p.id()).orElse(null),
                                        reviewsByPrediction.getOrDefault(p.id(), List.of())))
                                .toList(), marksByImage.getOrDefault(image.id(), List.of())))
                .toList();
        List<ReportContent.ModelUse> used = sections.stream().flatMap(s -> s.predictions().stream())
                .map(ReportContent.PredictionSection::prediction)
                .map(p -> List.of(p.modelId(), p.modelVersion())).distinct()
                .map(key -> new ReportContent.ModelUse(key.get(0), key.get(1), intendedUse(key.get(0), key.get(1))))
                .toList();
        List<SignedReview> amendments = reviewsByPrediction.values().stream().flatMap(List::stream)
                .filter(SignedReview::isAmendment).sorted(java.util.Comparator.comparing(SignedReview::signedAt)).toList();
        java.util.Set<String> logins = new java.util.HashSet<>();
        logins.add(by);
        if (summary.assignedPathologist() != null) {
            logins.add(summary.assignedPathologist());
        }
        sections.forEach(section -> logins.add(section.image().uploadedBy()));
        Map<String, String> printedNames = new java.util.HashMap<>();
        logins.forEach(login -> users.printedName(login).filter(name -> !name.isBlank())
                .ifPresent(name -> printedNames.put(login, name)));
        return new ReportContent(version, reason, now, by, summary, finalization.finalDiagnoses(caseId),
                finalization.finalizationSegregationNote(caseId).orElse(null), sections, used, amendments, printedNames);
    }

    private byte[] thumbnail(ImageSummary image) {
        try {
            return images.previewPng(image.id(), THUMBNAIL_SIDE);
        } catch (ImageRejectedException e) {
            return null;
        }
    }

    private String intendedUse(String modelId, String version) {
        return models.findVersion(modelId, version).map(RegisteredModel::id)
                .flatMap(catalog::model).map(descriptor -> descriptor.card().intendedUse())
                .orElse("");
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
