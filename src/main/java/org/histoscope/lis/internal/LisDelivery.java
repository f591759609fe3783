package org.histoscope.lis.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditService;
import org.histoscope.lis.LisMessageState;
import org.histoscope.platform.Unguarded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One delivery attempt of an outbox message, run by the db-scheduler task as the system. The attempt is counted
 * and the message marked SENDING in its own transaction before anything goes on the wire; the outcome is written
 * in a second one. A message that is ACKNOWLEDGED is never sent again, whatever executions remain. An instance
 * that dies between the two transactions leaves SENDING behind; db-scheduler revives the execution and the same
 * bytes, with the same MSH-10 control id, go again, so the LIS can recognise the repeat (at-least-once on the
 * wire, once per report version in the outbox).
 */
@Component
public class LisDelivery {

    public static final String TARGET = "lis_message";
    private static final Logger log = LoggerFactory.getLogger(LisDelivery.class);

    private final LisMessageRepository messages;
    private final MllpTransport transport;
    private final LisSettings settings;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;
    private final AuditService audit;
    private final Clock clock;
    private final TransactionTemplate transaction;

    LisDelivery(LisMessageRepository messages, MllpTransport transport, LisSettings settings,
                @Lazy SchedulerClient scheduler, @Lazy OneTimeTask<Long> lisMessageTask, AuditService audit,
                Clock clock, PlatformTransactionManager transactions) {
        this.messages = messages;
        this.transport = transport;
        this.settings = settings;
        this.scheduler = scheduler;
        this.task = lisMessageTask;
        this.audit = audit;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Unguarded("internal to the lis feature (Modulith keeps other features out): called by its guarded services and jobs")
    public static String instanceId(long messageId, int attempt) {
        return messageId + "-" + attempt;
    }

    void attempt(long messageId) {
        Optional<Outgoing> outgoing = transaction.execute(status -> start(messageId));
        if (outgoing == null || outgoing.isEmpty()) {
            return;
        }
        MllpTransport.Acknowledgement answer;
        try {
            answer = transport.send(outgoing.get().text());
        } catch (MllpTransport.DeliveryFailed | IllegalStateException e) {
            transaction.executeWithoutResult(status -> failed(messageId, e.getMessage(), null, null));
            return;
        }
        transaction.executeWithoutResult(status -> answered(messageId, answer));
    }

    private record Outgoing(String text, int attempt) {
    }

    private Optional<Outgoing> start(long messageId) {
        Optional<LisMessageEntity> found = messages.lockById(messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        LisMessageEntity message = found.get();
        if (message.state == LisMessageState.ACKNOWLEDGED || message.state == LisMessageState.REJECTED
                || message.state == LisMessageState.FAILED) {
            return Optional.empty();
        }
        message.state = LisMessageState.SENDING;
        message.attempts++;
        message.nextAttemptAt = null;
        return Optional.of(new Outgoing(message.message, message.attempts));
    }

    private void answered(long messageId, MllpTransport.Acknowledgement answer) {
        LisMessageEntity message = messages.lockById(messageId).orElseThrow();
        message.ackCode = cut(answer.code(), 2);
        message.ackText = cut(answer.text(), 500);
        if (answer.accepted()) {
            Instant now = clock.instant();
            message.state = LisMessageState.ACKNOWLEDGED;
            message.acknowledgedAt = now;
            message.lastError = null;
            Map<String, Object> details = details(message);
            details.put("latencyMillis", now.toEpochMilli() - message.reportCreatedAt.toEpochMilli());
            audit.recordForCase(LisAuditAction.LIS_MESSAGE_ACKNOWLEDGED, TARGET, String.valueOf(messageId),
                    message.caseId, details);
        } else if (answer.refused()) {
            message.state = LisMessageState.REJECTED;
            message.lastError = cut("The LIS rejected the message (" + answer.code() + "): " + answer.text(), 500);
            audit.recordForCase(LisAuditAction.LIS_MESSAGE_REJECTED, TARGET, String.valueOf(messageId),
                    message.caseId, details(message));
        } else {
            failed(message, "The LIS could not process the message now (" + (answer.code().isEmpty() ? "no code"
                    : answer.code()) + "): " + answer.text());
        }
    }

    private void failed(long messageId, String reason, String code, String text) {
        failed(messages.lockById(messageId).orElseThrow(), reason);
    }

    private void failed(LisMessageEntity message, String reason) {
        message.lastError = cut(reason, 500);
        if (message.attempts >= settings.maxAttempts()) {
            message.state = LisMessageState.FAILED;
            audit.recordForCase(LisAuditAction.LIS_MESSAGE_FAILED, TARGET, String.valueOf(message.id), message.caseId,
                    details(message));
            log.warn("LIS message {} gave up after {} attempts: {}", message.id, message.attempts, reason);
            return;
        }
        Instant next = clock.instant().plus(settings.backOffAfter(message.attempts));
        message.state = LisMessageState.RETRYING;
        message.nextAttemptAt = next;
        scheduler.schedule(task.instance(instanceId(message.id, message.attempts + 1), message.id), next);
        Map<String, Object> details = details(message);
        details.put("nextAttemptAt", next.toString());
        audit.recordForCase(LisAuditAction.LIS_MESSAGE_ATTEMPT_FAILED, TARGET, String.valueOf(message.id),
                message.caseId, details);
    }

    private static Map<String, Object> details(LisMessageEntity message) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("controlId", message.controlId);
        details.put("reportVersion", message.reportVersion);
        details.put("attempt", message.attempts);
        if (message.ackCode != null) {
            details.put("ack", message.ackCode);
        }
        if (message.lastError != null) {
            details.put("reason", message.lastError);
        }
        return details;
    }

    private static String cut(String text, int length) {
        return text == null || text.length() <= length ? text : text.substring(0, length);
    }
}
