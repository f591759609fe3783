package org.histoscope.fhir.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.fhir.FhirJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One delivery attempt of an outbox Bundle, run by the db-scheduler task as the system: counted and marked SENDING
 * in its own transaction before it goes on the wire, the outcome written in a second one. 2xx → DELIVERED; 4xx
 * other than 408/429 → REJECTED (the same Bundle will not be accepted as it is); anything else, or no answer →
 * RETRYING with back-off, FAILED after the last attempt.
 */
@Component
class FhirDelivery {

    private static final Logger log = LoggerFactory.getLogger(FhirDelivery.class);

    private final FhirMessageRepository messages;
    private final FhirPushSettings settings;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;
    private final AuditService audit;
    private final Clock clock;
    private final TransactionTemplate transaction;
    private final HttpClient http;

    FhirDelivery(FhirMessageRepository messages, FhirPushSettings settings, @Lazy SchedulerClient scheduler,
                 @Lazy OneTimeTask<Long> fhirMessageTask, AuditService audit, Clock clock,
                 PlatformTransactionManager transactions) {
        this.messages = messages;
        this.settings = settings;
        this.scheduler = scheduler;
        this.task = fhirMessageTask;
        this.audit = audit;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static String instanceId(long messageId, int attempt) {
        return messageId + "-" + attempt;
    }

    void attempt(long messageId) {
        Optional<String> bundle = transaction.execute(status -> start(messageId));
        if (bundle == null || bundle.isEmpty()) {
            return;
        }
        int status;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.url()))
                    .timeout(settings.timeout())
                    .header("Content-Type", FhirJson.MEDIA_TYPE + ";charset=UTF-8")
                    .header("Accept", FhirJson.MEDIA_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(bundle.get(), StandardCharsets.UTF_8));
            if (settings.bearerToken() != null) {
                request.header("Authorization", "Bearer " + settings.bearerToken());
            }
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | IllegalArgumentException e) {
            log.info("FHIR Bundle {} not delivered: {}", messageId, e.toString());
            transaction.executeWithoutResult(s -> failed(messageId,
                    "The FHIR server could not be reached or did not answer in time."));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            transaction.executeWithoutResult(s -> failed(messageId, "The attempt was interrupted."));
            return;
        }
        transaction.executeWithoutResult(s -> answered(messageId, status));
    }

    private Optional<String> start(long messageId) {
        Optional<FhirMessageEntity> found = messages.lockById(messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        FhirMessageEntity message = found.get();
        if (message.state == FhirMessageState.DELIVERED || message.state == FhirMessageState.REJECTED
                || message.state == FhirMessageState.FAILED) {
            return Optional.empty();
        }
        message.state = FhirMessageState.SENDING;
        message.attempts++;
        message.nextAttemptAt = null;
        return Optional.of(message.bundle);
    }

    private void answered(long messageId, int status) {
        FhirMessageEntity message = messages.lockById(messageId).orElseThrow();
        message.httpStatus = status;
        if (status >= 200 && status < 300) {
            Instant now = clock.instant();
            message.state = FhirMessageState.DELIVERED;
            message.deliveredAt = now;
            message.lastError = null;
            Map<String, Object> details = details(message);
            details.put("latencyMillis", now.toEpochMilli() - message.reportCreatedAt.toEpochMilli());
            audit.recordForCase(FhirAuditAction.FHIR_BUNDLE_DELIVERED, FhirOutbox.TARGET, String.valueOf(messageId),
                    message.caseId, details);
        } else if (status >= 400 && status < 500 && status != 408 && status != 429) {
            message.state = FhirMessageState.REJECTED;
            message.lastError = "The FHIR server refused the Bundle (HTTP " + status + ").";
            audit.recordForCase(FhirAuditAction.FHIR_BUNDLE_REJECTED, FhirOutbox.TARGET, String.valueOf(messageId),
                    message.caseId, details(message));
        } else {
            failed(message, "The FHIR server could not take the Bundle now (HTTP " + status + ").");
        }
    }

    private void failed(long messageId, String reason) {
        failed(messages.lockById(messageId).orElseThrow(), reason);
    }

    private void failed(FhirMessageEntity message, String reason) {
        message.lastError = reason;
        if (message.attempts >= settings.maxAttempts()) {
            message.state = FhirMessageState.FAILED;
            audit.recordForCase(FhirAuditAction.FHIR_BUNDLE_FAILED, FhirOutbox.TARGET, String.valueOf(message.id),
                    message.caseId, details(message));
            return;
        }
        Instant next = clock.instant().plus(settings.backOffAfter(message.attempts));
        message.state = FhirMessageState.RETRYING;
        message.nextAttemptAt = next;
        scheduler.schedule(task.instance(instanceId(message.id, message.attempts + 1), message.id), next);
        Map<String, Object> details = details(message);
        details.put("nextAttemptAt", next.toString());
        audit.recordForCase(FhirAuditAction.FHIR_BUNDLE_ATTEMPT_FAILED, FhirOutbox.TARGET, String.valueOf(message.id),
                message.caseId, details);
    }

    private static Map<String, Object> details(FhirMessageEntity message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reportVersion", message.reportVersion);
        details.put("attempt", message.attempts);
        if (message.httpStatus != null) {
            details.put("httpStatus", message.httpStatus);
        }
        if (message.lastError != null) {
            details.put("reason", message.lastError);
        }
        return details;
    }
}
