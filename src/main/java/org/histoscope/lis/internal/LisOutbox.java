package org.histoscope.lis.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.histoscope.audit.AuditService;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.inference.PredictionService;
import org.histoscope.reports.CaseReportCreated;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.review.ReviewQueueService;
import org.histoscope.review.SignedReview;
import org.histoscope.lis.LisMessageState;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes the ORU^R01 of every new report version into the outbox, in the transaction that made the version (so a
 * report and its message commit together, and neither exists without the other), and schedules its first
 * attempt in the same transaction (db-scheduler writes through the transaction-aware data source).
 */
@Component
class LisOutbox {

    private final LisSettings settings;
    private final LisMessageRepository messages;
    private final CaseService cases;
    private final CaseImageService images;
    private final PredictionService predictions;
    private final ReviewQueueService reviews;
    private final OruMessageBuilder builder;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;
    private final AuditService audit;
    private final Clock clock;
    private final ObjectProvider<Scheduler> runningScheduler;

    LisOutbox(LisSettings settings, LisMessageRepository messages, CaseService cases, CaseImageService images,
              PredictionService predictions, ReviewQueueService reviews, ca.uhn.hl7v2.HapiContext hl7,
              @Lazy SchedulerClient scheduler, OneTimeTask<Long> lisMessageTask, AuditService audit, Clock clock,
              ObjectProvider<Scheduler> runningScheduler) {
        this.settings = settings;
        this.messages = messages;
        this.cases = cases;
        this.images = images;
        this.predictions = predictions;
        this.reviews = reviews;
        this.builder = new OruMessageBuilder(hl7, settings);
        this.scheduler = scheduler;
        this.task = lisMessageTask;
        this.audit = audit;
        this.clock = clock;
        this.runningScheduler = runningScheduler;
    }

    @EventListener
    void onReportCreated(CaseReportCreated event) {
        if (settings.enabled()) {
            enqueue(event.report().version(), event.report().pdf());
        }
    }

    /** Idempotent per report version: a second call for the same version writes nothing (and the UNIQUE key backs it). */
    void enqueue(CaseReportVersion version, byte[] pdf) {
        if (messages.existsByCaseIdAndReportVersion(version.caseId(), version.version())) {
            return;
        }
        CaseSummary summary = cases.findCase(version.caseId()).orElseThrow();
        Instant now = clock.instant();
        String controlId = controlId(version);
        String text = builder.build(new ReportMessageContent(controlId, now, summary, version.version(),
                version.createdAt(), results(version.caseId()), pdf));
        LisMessageEntity message = new LisMessageEntity();
        message.caseId = version.caseId();
        message.reportVersion = version.version();
        message.controlId = controlId;
        message.accessionNumber = summary.accessionNumber();
        message.message = text;
        message.state = LisMessageState.PENDING;
        message.nextAttemptAt = now;
        message.reportCreatedAt = version.createdAt();
        message.createdAt = now;
        messages.saveAndFlush(message);
        scheduler.schedule(task.instance(LisDelivery.instanceId(message.id, 1), message.id), now);
        wakeTheSchedulerAfterCommit();
        audit.recordForCase(LisAuditAction.LIS_MESSAGE_QUEUED, LisDelivery.TARGET, String.valueOf(message.id),
                version.caseId(), Map.of("reportVersion", version.version(), "controlId", controlId,
                        "results", text.split("\rOBX\\|").length - 2));
    }

    /**
     * db-scheduler's immediate execution looks for the new execution when it is scheduled, i.e. before this
     * transaction commits and it becomes visible; without a nudge after the commit it waits for the next poll.
     */
    private void wakeTheSchedulerAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    runningScheduler.ifAvailable(Scheduler::triggerCheckForDueExecutions);
                }
            });
        }
    }

    /** Deterministic per report version, so even a message written twice would carry one control id. */
    static String controlId(CaseReportVersion version) {
        return "HS" + version.caseId() + "V" + version.version();
    }

    private List<ReportMessageContent.Result> results(long caseId) {
        Map<Long, SignedReview> standing = reviews.reviewsOfCase(caseId).stream()
                .collect(Collectors.toMap(SignedReview::predictionId, Function.identity(),
                        (a, b) -> Comparator.comparing(SignedReview::signedAt).thenComparing(SignedReview::id)
                                .compare(a, b) >= 0 ? a : b));
        return images.imagesOfCase(caseId).stream()
                .flatMap(image -> predictions.forImage(image.id()).stream()
                        .sorted(Comparator.comparing(p -> p.id()))
                        .map(p -> new ReportMessageContent.Result(p, name(image), standing.get(p.id()))))
                .toList();
    }

    private static String name(ImageSummary image) {
        return image.originalFilename();
    }
}
