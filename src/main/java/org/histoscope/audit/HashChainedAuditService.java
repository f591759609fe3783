package org.histoscope.audit;

import org.springframework.security.access.AccessDeniedException;
import org.histoscope.security.SystemIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.histoscope.audit.AuditEventRepository.StoredAuditEvent;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends audit events to a SHA-256 hash chain. An append takes a transaction-scoped advisory lock, reads the
 * last hash, and inserts the new row in the caller's transaction; the lock is held until that transaction ends,
 * so the chain stays linear under concurrency and an audited change commits together with its event.
 * Callers should record the event as the last step of their transaction to keep the lock short.
 */
@Service
@RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
class HashChainedAuditService implements AuditService, AuditSearch {

    private static final int VERIFY_PAGE_SIZE = 1000;
    private static final int MAX_TEXT = 100;

    private final AuditEventRepository events;
    private final CurrentUser currentUser;
    private final Clock clock;

    HashChainedAuditService(AuditEventRepository events, CurrentUser currentUser, Optional<Clock> clock) {
        this.events = events;
        this.currentUser = currentUser;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    @Override
    @PermitAll // every code path, jobs included, records its own events; the actor is the caller's identity
    @Transactional(propagation = Propagation.REQUIRED)
    public void record(AuditAction action, String targetType, String targetId, Map<String, ?> details) {
        append(currentUser.usernameOrSystem(), action, targetType, targetId, null, details);
    }

    @Override
    @PermitAll
    @Transactional(propagation = Propagation.REQUIRED)
    public void recordForCase(AuditAction action, String targetType, String targetId, long caseId,
                              Map<String, ?> details) {
        append(currentUser.usernameOrSystem(), action, targetType, targetId, caseId, details);
    }

    @Override
    @PermitAll // open to the login flow and jobs; a signed-in user may name only themselves (checked below)
    @Transactional(propagation = Propagation.REQUIRED)
    public void recordAs(String actor, AuditAction action, String targetType, String targetId,
                         Map<String, ?> details) {
        currentUser.username().filter(signedIn -> !SystemIdentity.NAME.equals(signedIn))
                .filter(signedIn -> !signedIn.equalsIgnoreCase(actor))
                .ifPresent(signedIn -> {
                    throw new AccessDeniedException("A signed-in user records audit events only as themselves");
                });
        append(actor, action, targetType, targetId, null, details);
    }

    private void append(String actor, AuditAction action, String targetType, String targetId, Long caseId,
                        Map<String, ?> details) {
        if (action == null || action.code() == null || action.code().isBlank()) {
            throw new IllegalArgumentException("An audit event needs an action code");
        }
        String detailsJson = events.asStoredJsonb(AuditHashing.detailsToJson(details));
        events.lockForAppend();
        AuditAppendLock.markHeld();
        String prevHash = events.lastHash().orElse(AuditHashing.GENESIS_HASH);
        long id = events.nextId();
        // PostgreSQL keeps microseconds; hash exactly what will be read back
        Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String safeActor = clip(actor == null || actor.isBlank() ? "system" : actor);
        String type = clip(targetType);
        String target = clipTargetId(targetId);
        String address = ClientAddress.current().orElse(null);
        String hash = AuditHashing.hash(id, occurredAt, safeActor, action.code(), type, target, caseId,
                AuditHashing.canonicalDetails(detailsJson), address, prevHash);
        events.insert(new StoredAuditEvent(id, occurredAt, safeActor, action.code(), type, target, caseId,
                detailsJson, address, prevHash, hash));
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<AuditEntry> caseTimeline(long caseId) {
        return events.forCase(caseId).stream().map(StoredAuditEvent::toEntry).toList();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public ChainVerification verifyChain() {
        String expectedPrev = AuditHashing.GENESIS_HASH;
        long checked = 0;
        long afterId = 0;
        List<StoredAuditEvent> page;
        while (!(page = events.pageAfter(afterId, VERIFY_PAGE_SIZE)).isEmpty()) {
            for (StoredAuditEvent row : page) {
                checked++;
                if (!row.prevHash().equals(expectedPrev)) {
                    return broken(checked, row, "does not link to the previous event (an event before it was "
                            + "removed, inserted or changed)");
                }
                String recomputed = AuditHashing.hash(row.id(), row.occurredAt(), row.actor(), row.action(),
                        row.targetType(), row.targetId(), row.caseId(), AuditHashing.canonicalDetails(row.detailsJson()),
                        row.clientAddress(), row.prevHash());
                if (!recomputed.equals(row.hash())) {
                    return broken(checked, row, "was altered after it was written (its hash does not match its content)");
                }
                expectedPrev = row.hash();
                afterId = row.id();
            }
        }
        return new ChainVerification(checked, Optional.empty(),
                "Audit chain intact: " + checked + " event" + (checked == 1 ? "" : "s") + " verified");
    }

    private static ChainVerification broken(long checked, StoredAuditEvent row, String why) {
        return new ChainVerification(checked, Optional.of(row.id()),
                "Audit chain broken at event " + row.id() + ": it " + why);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public List<AuditEntry> search(AuditFilter filter, long offset, int limit) {
        return events.search(filter, offset, Math.max(1, Math.min(limit, 1000))).stream()
                .map(StoredAuditEvent::toEntry).toList();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public long count(AuditFilter filter) {
        return events.count(filter);
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public List<String> knownActions() {
        return events.distinctActions();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public void exportCsv(AuditFilter filter, Writer out) {
        try {
            out.write(AuditCsv.HEADER);
            events.forEachMatching(filter, row -> {
                try {
                    out.write(AuditCsv.line(row.toEntry()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String clip(String s) {
        return s == null ? null : s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT);
    }

    private static String clipTargetId(String s) {
        return s == null ? null : s.length() <= 2 * MAX_TEXT ? s : s.substring(0, 2 * MAX_TEXT);
    }
}
