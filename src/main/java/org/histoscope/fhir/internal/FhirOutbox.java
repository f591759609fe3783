package org.histoscope.fhir.internal;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.models.ModelRegistryService;
import org.histoscope.models.RegisteredModel;
import org.histoscope.reports.CaseReportCreated;
import org.histoscope.reports.CaseReportVersion;
import org.histoscope.fhir.FhirJson;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Writes the FHIR transaction Bundle of every new report version into the outbox, in the transaction that made the
 * version (report and Bundle commit together), and schedules its first delivery attempt in the same transaction:
 * the LIS outbox's pattern. Each entry is a PUT with Histoscope's id, so a Bundle sent twice changes nothing more.
 */
@Component
class FhirOutbox {

    static final String TARGET = "fhir_message";

    private final FhirPushSettings push;
    private final FhirMessageRepository messages;
    private final ReportVersionReader reader;
    private final ModelRegistryService models;
    private final FhirResourceMapper mapper;
    private final FhirJson json;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;
    private final AuditService audit;
    private final Clock clock;
    private final ObjectProvider<Scheduler> runningScheduler;

    FhirOutbox(FhirPushSettings push, FhirSettings settings, FhirMessageRepository messages, ReportVersionReader reader,
               ModelRegistryService models, FhirJson json, @Lazy SchedulerClient scheduler,
               OneTimeTask<Long> fhirMessageTask, AuditService audit, Clock clock,
               ObjectProvider<Scheduler> runningScheduler) {
        this.push = push;
        this.messages = messages;
        this.reader = reader;
        this.models = models;
        this.mapper = new FhirResourceMapper(settings);
        this.json = json;
        this.scheduler = scheduler;
        this.task = fhirMessageTask;
        this.audit = audit;
        this.clock = clock;
        this.runningScheduler = runningScheduler;
    }

    @EventListener
    void onReportCreated(CaseReportCreated event) {
        if (push.enabled()) {
            enqueue(event.report().version(), event.report().pdf());
        }
    }

    void enqueue(CaseReportVersion version, byte[] pdf) {
        if (messages.existsByCaseIdAndReportVersion(version.caseId(), version.version())) {
            return;
        }
        ReportVersionContent content = reader.content(version.caseId(), version.version()).orElseThrow();
        Bundle bundle = bundle(content, pdf);
        Instant now = clock.instant();
        FhirMessageEntity message = new FhirMessageEntity();
        message.caseId = version.caseId();
        message.reportVersion = version.version();
        message.bundle = json.encode(bundle);
        message.state = FhirMessageState.PENDING;
        message.nextAttemptAt = now;
        message.reportCreatedAt = version.createdAt();
        message.createdAt = now;
        messages.saveAndFlush(message);
        scheduler.schedule(task.instance(FhirDelivery.instanceId(message.id, 1), message.id), now);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    runningScheduler.ifAvailable(Scheduler::triggerCheckForDueExecutions);
                }
            });
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reportVersion", version.version());
        details.put("entries", bundle.getEntry().size());
        audit.recordForCase(FhirAuditAction.FHIR_BUNDLE_QUEUED, TARGET, String.valueOf(message.id), version.caseId(),
                details);
    }

    private Bundle bundle(ReportVersionContent content, byte[] pdf) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        Map<String, Resource> resources = new LinkedHashMap<>();
        add(resources, mapper.diagnosticReport(content, push.publicUrl()));
        for (ReportVersionContent.Result result : content.results()) {
            Optional<RegisteredModel> model = models.findVersion(result.prediction().modelId(),
                    result.prediction().modelVersion());
            add(resources, mapper.aiObservation(result.prediction(), result.imageName(), content.caseSummary(), model));
            model.ifPresent(m -> add(resources, mapper.device(m)));
            if (result.review() != null) {
                add(resources, mapper.reviewObservation(result.review(), content.caseSummary()));
            }
        }
        add(resources, mapper.documentReference(content, pdf));
        String base = push.url().endsWith("/") ? push.url() : push.url() + "/";
        resources.forEach((key, resource) -> bundle.addEntry().setFullUrl(base + key).setResource(resource)
                .getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(key));
        return bundle;
    }

    private static void add(Map<String, Resource> resources, Resource resource) {
        resources.putIfAbsent(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
    }
}
