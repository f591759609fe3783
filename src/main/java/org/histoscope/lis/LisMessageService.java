package org.histoscope.lis;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.security.Roles;
import org.histoscope.lis.internal.LisAuditAction;
import org.histoscope.lis.internal.LisDelivery;
import org.histoscope.lis.internal.LisMessageEntity;
import org.histoscope.lis.internal.LisMessageRepository;
import org.springframework.context.annotation.Lazy;
import org.springframework.data.domain.PageRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The outbox as administrators see it: messages to the LIS and their state, and a resend of a refused or failed one. */
@Service
@RolesAllowed(Roles.ADMIN)
public class LisMessageService {

    private final LisMessageRepository messages;
    private final SchedulerClient scheduler;
    private final OneTimeTask<Long> task;
    private final AuditService audit;
    private final Clock clock;

    LisMessageService(LisMessageRepository messages, @Lazy SchedulerClient scheduler, OneTimeTask<Long> lisMessageTask,
                      AuditService audit, Clock clock) {
        this.messages = messages;
        this.scheduler = scheduler;
        this.task = lisMessageTask;
        this.audit = audit;
        this.clock = clock;
    }

    /** The newest messages first. */
    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public List<LisMessage> recent(int limit) {
        return messages.findByOrderByIdDesc(PageRequest.of(0, Math.max(1, Math.min(limit, 1000)))).stream()
                .map(LisMessageEntity::toMessage).toList();
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public List<LisMessage> ofCase(long caseId) {
        return messages.findByCaseIdOrderByReportVersionAsc(caseId).stream().map(LisMessageEntity::toMessage).toList();
    }

    /** Sends a REJECTED or FAILED message again (the same bytes and control id), e.g. after the LIS was fixed. */
    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public LisMessage resend(long messageId) {
        LisMessageEntity message = messages.lockById(messageId)
                .orElseThrow(() -> new IllegalArgumentException("The message no longer exists."));
        if (message.state != LisMessageState.REJECTED && message.state != LisMessageState.FAILED) {
            throw new IllegalArgumentException("Only a rejected or failed message can be sent again.");
        }
        Instant now = clock.instant();
        LisMessageState was = message.state;
        message.state = LisMessageState.PENDING;
        message.nextAttemptAt = now;
        scheduler.schedule(task.instance(LisDelivery.instanceId(message.id, message.attempts + 1), message.id), now);
        audit.recordForCase(LisAuditAction.LIS_MESSAGE_RESENT, LisDelivery.TARGET, String.valueOf(messageId),
                message.caseId, Map.of("controlId", message.controlId, "was", was.name()));
        return message.toMessage();
    }
}
