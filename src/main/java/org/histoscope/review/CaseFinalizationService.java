package org.histoscope.review;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.RolesAllowed;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseOutcomes;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.security.CaseReadAccess;
import org.histoscope.security.Roles;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.review.internal.CaseFinalization;
import org.histoscope.review.internal.CaseFinalizationRepository;
import org.histoscope.review.internal.ReviewAuditAction;
import org.histoscope.review.internal.ReviewQueueItem;
import org.histoscope.review.internal.ReviewQueueRepository;
import org.histoscope.review.internal.ReviewRepository;
import org.histoscope.review.internal.SegregationException;
import org.histoscope.review.internal.SegregationExceptionRepository;
import org.histoscope.review.internal.SegregationRules;
import org.histoscope.review.internal.Signatures;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Case finalization: once every image is settled (a signed review of each result, or a signed not-assessable mark),
 * the case's responsible pathologist signs the case-level final diagnosis with password and meaning (21 CFR
 * 11.50/11.200), which closes the case and makes report version 1. An amendment is a new signed version; the old
 * ones stay. Who is responsible is the cases feature's rule (the assigned pathologist, else the case's creator).
 */
@Service
@RolesAllowed(Roles.PATHOLOGIST)
public class CaseFinalizationService implements CaseOutcomes {

    private static final String CASE = "case";
    private static final BigDecimal MAX_FOCUS_MM = new BigDecimal("10000");
    private static final BigDecimal HUNDRED = new BigDecimal("100");

    private final CaseFinalizationRepository finalizations;
    private final ReviewQueueRepository queue;
    private final ReviewRepository reviews;
    private final SegregationExceptionRepository exceptions;
    private final SegregationRules segregation;
    private final Signatures signatures;
    private final NotAssessableService notAssessable;
    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionJobService jobs;
    private final CaseReadAccess caseAccess;
    private final AuditService audit;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    CaseFinalizationService(CaseFinalizationRepository finalizations, ReviewQueueRepository queue,
                            ReviewRepository reviews, SegregationExceptionRepository exceptions,
                            SegregationRules segregation, Signatures signatures, NotAssessableService notAssessable,
                            CaseService cases, CaseImageService images, PredictionJobService jobs,
                            CaseReadAccess caseAccess, AuditService audit, ApplicationEventPublisher events,
                            Clock clock) {
        this.finalizations = finalizations;
        this.queue = queue;
        this.reviews = reviews;
        this.exceptions = exceptions;
        this.segregation = segregation;
        this.signatures = signatures;
        this.notAssessable = notAssessable;
        this.cases = cases;
        this.images = images;
        this.jobs = jobs;
        this.caseAccess = caseAccess;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
    }

    /**
     * A case can be finalized only when every image is settled: nothing of it is queued or running, every result
     * of it carries a signed review, and an image without a result to review (its prediction failed or found nothing
     * to classify) is marked not assessable by a reviewer's signature.
     */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public FinalizationCheck finalizationCheck(long caseId) {
        caseAccess.requireRead(caseId);
        List<ImageSummary> caseImages = images.imagesOfCase(caseId);
        List<JobSummary> caseJobs = jobs.jobsForCase(caseId);
        List<ReviewQueueItem> items = queue.findByCaseIdOrderByPredictedAtAsc(caseId);
        List<NotAssessableMark> marks = notAssessable.notAssessableOfCase(caseId);
        Set<Long> marked = marks.stream().map(NotAssessableMark::imageId).collect(Collectors.toSet());
        Set<Long> withResult = items.stream().map(ReviewQueueItem::getImageId).collect(Collectors.toSet());
        List<PeopleText> blockers = new ArrayList<>();
        List<ImageSummary> markable = new ArrayList<>();
        if (caseImages.isEmpty()) {
            blockers.add(PeopleText.of("review.blocker.no-images"));
        }
        for (ImageSummary image : caseImages) {
            List<JobSummary> ofImage = caseJobs.stream().filter(job -> job.imageId() == image.id()).toList();
            if (ofImage.stream().anyMatch(CaseFinalizationService::inFlight)) {
                blockers.add(PeopleText.of("review.blocker.in-flight", image.originalFilename()));
            } else if (!withResult.contains(image.id()) && !marked.contains(image.id())) {
                markable.add(image);
                blockers.add(PeopleText.of(ofImage.stream().anyMatch(job -> job.status() == JobStatus.FAILED)
                        ? "review.blocker.failed" : "review.blocker.no-result", image.originalFilename()));
            }
        }
        long unsigned = items.stream().filter(item -> !item.isReviewed()).count();
        if (unsigned > 0) {
            blockers.add(PeopleText.of("review.blocker.unsigned", String.valueOf(unsigned)));
        }
        return new FinalizationCheck(List.copyOf(blockers), List.copyOf(markable), marks);
    }

    /** True when {@link #finalizationCheck} finds nothing in the way. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public boolean readyForFinalization(long caseId) {
        return finalizationCheck(caseId).ready();
    }

    /**
     * Finalizes the case: checks the signer's password (a wrong one is audited and signs nothing), that they are the
     * case's responsible pathologist, the segregation of duties and, while the case is locked so that no job result,
     * upload or re-run slips in, every image; then stores the signed final diagnosis, closes the case and (through
     * {@link CaseFinalized}) makes the report version and its LIS message, all in one transaction.
     */
    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.PATHOLOGIST)
    public FinalDiagnosis finalizeCase(long caseId, FinalDiagnosisForm form, String password) {
        CaseSummary owner = cases.findCase(caseId).orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.case-longer-exists")));
        String signer = signatures.verifiedSigner(password, CASE, String.valueOf(caseId), caseId);
        requireResponsible(owner, signer);
        check(form, false);
        cases.lockForFinalization(caseId);
        FinalizationCheck check = finalizationCheck(caseId);
        if (!check.ready()) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.not-ready", check.reasons()));
        }
        List<Long> predictionIds = queue.findByCaseIdOrderByPredictedAtAsc(caseId).stream()
                .map(ReviewQueueItem::getPredictionId).toList();
        Optional<SecuritySettingsService.Setting> exception = segregation.ownCase(signer, caseId, predictionIds);
        CaseFinalization saved = save(new CaseFinalization(caseId, 1, form, signer, signatures.printedName(signer),
                clock.instant(), null));
        exception.ifPresent(setting -> exceptions.save(new SegregationException(null, caseId,
                SegregationException.Kind.SIGNED_OUT_OWN_CASE, signer, setting.changedBy(), setting.changedAt(),
                clock.instant())));
        cases.markFinalized(caseId);
        FinalDiagnosis finalized = saved.toFinalDiagnosis(exception.isPresent()
                ? exceptions.findByCaseId(caseId).stream().map(SegregationException::note).reduce((a, b) -> b).orElse(null)
                : null);
        audit.recordForCase(ReviewAuditAction.CASE_FINALIZED, CASE, String.valueOf(caseId), caseId,
                signatureDetails(finalized, Map.of("signedResults", predictionIds.size(),
                        "notAssessableImages", check.notAssessable().size(), "finalizedOwnCase", exception.isPresent())));
        events.publishEvent(new CaseFinalized(finalized));
        return finalized;
    }

    /**
     * Amends the final diagnosis of a finalized case: a new signed version that names its reason; the earlier ones
     * stay as they were. Only the responsible pathologist amends; a new report version follows.
     */
    @Transactional(noRollbackFor = SignatureRejectedException.class)
    @RolesAllowed(Roles.PATHOLOGIST)
    public FinalDiagnosis amendFinalDiagnosis(long caseId, FinalDiagnosisForm form, String password) {
        CaseSummary owner = cases.findCase(caseId).orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.case-longer-exists")));
        String signer = signatures.verifiedSigner(password, CASE, String.valueOf(caseId), caseId);
        requireResponsible(owner, signer);
        check(form, true);
        cases.lockFinalized(caseId);
        CaseFinalization previous = finalizations.findFirstByCaseIdOrderByVersionDesc(caseId)
                .orElseThrow(() -> new ReviewRuleException(PeopleText.of("refusal.review.case-finalized-yet-finalize-first")));
        CaseFinalization saved = save(new CaseFinalization(caseId, previous.getVersion() + 1, form, signer,
                signatures.printedName(signer), clock.instant(), previous.getId()));
        FinalDiagnosis amended = saved.toFinalDiagnosis(null);
        audit.recordForCase(ReviewAuditAction.CASE_FINALIZATION_AMENDED, CASE, String.valueOf(caseId), caseId,
                signatureDetails(amended, Map.of("amendsVersion", previous.getVersion(),
                        "reason", amended.amendmentReason())));
        events.publishEvent(new CaseFinalized(amended));
        return amended;
    }

    /** Every signed version of the case's final diagnosis, the finalization first; empty while not finalized. */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public List<FinalDiagnosis> finalDiagnoses(long caseId) {
        caseAccess.requireRead(caseId);
        String note = finalizationSegregationNote(caseId).orElse(null);
        return finalizations.findByCaseIdOrderByVersionAsc(caseId).stream()
                .map(f -> f.toFinalDiagnosis(f.getVersion() == 1 ? note : null)).toList();
    }

    /**
     * The note of a case finalized under the segregation-of-duties exception (every signature the requester's own),
     * for the case page and the report; empty when someone else's signature is on the case.
     */
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST})
    public Optional<String> finalizationSegregationNote(long caseId) {
        caseAccess.requireRead(caseId);
        return exceptions.findByCaseId(caseId).stream()
                .filter(exception -> exception.getKind() == SegregationException.Kind.SIGNED_OUT_OWN_CASE)
                .map(SegregationException::note).reduce((first, later) -> later);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST, Roles.ADMIN})
    public Optional<String> finalDiagnosisLine(long caseId) {
        caseAccess.requireRead(caseId);
        return finalizations.findFirstByCaseIdOrderByVersionDesc(caseId).map(f -> f.toFinalDiagnosis(null).line());
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.REVIEWER, Roles.PATHOLOGIST, Roles.ADMIN})
    public Map<Long, String> finalLabelsByPrediction(long caseId) {
        caseAccess.requireRead(caseId);
        Map<Long, String> labels = new LinkedHashMap<>();
        // oldest first: an amendment's label replaces the one it amends
        reviews.findByCaseIdOrderBySignedAtAscIdAsc(caseId)
                .forEach(review -> labels.put(review.getPredictionId(), review.getFinalLabel()));
        return labels;
    }

    private static void requireResponsible(CaseSummary owner, String signer) {
        String responsible = owner.assignedPathologist() != null ? owner.assignedPathologist() : owner.createdBy();
        if (responsible == null || !responsible.equalsIgnoreCase(signer)) {
            throw new ReviewRuleException(owner.assignedPathologist() != null
                    ? PeopleText.of("refusal.review.only-assigned-finalizes", owner.accessionNumber(),
                            owner.assignedPathologist())
                    : PeopleText.of("refusal.review.only-creator-finalizes", owner.accessionNumber()));
        }
    }

    private static void check(FinalDiagnosisForm form, boolean amendment) {
        if (form == null || form.idcPresent() == null) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.say-whether-invasive-ductal-carcinoma"));
        }
        if (form.diagnosis() == null || form.diagnosis().isBlank()) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.enter-final-diagnosis"));
        }
        if (form.diagnosis().length() > 10000) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.final-diagnosis-too-long-most"));
        }
        if (form.meaning() == null) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.choose-meaning-signature"));
        }
        if (!form.idcPresent() && (form.largestFocusMm() != null || form.idcPercent() != null)) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.focus-size-percentage-given-where"));
        }
        if (form.largestFocusMm() != null && (form.largestFocusMm().signum() <= 0
                || form.largestFocusMm().compareTo(MAX_FOCUS_MM) >= 0 || form.largestFocusMm().scale() > 2)) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.largest-focus-size-millimetres-above"));
        }
        if (form.idcPercent() != null && (form.idcPercent().signum() <= 0 || form.idcPercent().compareTo(HUNDRED) > 0
                || form.idcPercent().scale() > 2)) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.percentage-carcinoma-lies-above-0"));
        }
        if (amendment && (form.amendmentReason() == null || form.amendmentReason().isBlank())) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.say-why-final-diagnosis-amended"));
        }
    }

    private CaseFinalization save(CaseFinalization finalization) {
        try {
            return finalizations.saveAndFlush(finalization);
        } catch (DataIntegrityViolationException e) {
            throw new ReviewRuleException(PeopleText.of("refusal.review.final-diagnosis-case-signed-someone"));
        }
    }

    private static Map<String, Object> signatureDetails(FinalDiagnosis signed, Map<String, Object> more) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", signed.version());
        details.put("idcPresent", signed.idcPresent());
        details.put("largestFocusMm", signed.largestFocusMm() == null ? "" : signed.largestFocusMm().toPlainString());
        details.put("idcPercent", signed.idcPercent() == null ? "" : signed.idcPercent().toPlainString());
        details.put("diagnosis", signed.diagnosis());
        details.put("signer", signed.signerName());
        details.put("meaning", signed.meaning().label());
        details.put("signedAtUtc", signed.signedAt().toString());
        details.putAll(more);
        return details;
    }

    private static boolean inFlight(JobSummary job) {
        return job.status() == JobStatus.QUEUED || job.status() == JobStatus.RUNNING;
    }
}
