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
import org.histoscope.audit.internal.AuditEventRepository.StoredAuditEvent;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.audit.internal.AuditCheckpoints;
import org.histoscope.audit.internal.AuditCsv;
import org.histoscope.audit.internal.AuditEventRepository;
import org.histoscope.audit.internal.AuditHashing;
import org.histoscope.audit.internal.AuditKeys;
import org.histoscope.audit.internal.AuditLogAction;
import org.histoscope.audit.internal.ClientAddress;
import org.histoscope.audit.internal.AuditBatchAppender;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends audit events to a hash chain sealed with HMAC-SHA-256 (key outside the database, see {@link AuditKeys}). An append takes a transaction-scoped advisory lock, reads the
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
    private final AuditKeys keys;
    private final AuditCheckpoints checkpoints;
    private final TransactionTemplate separateTransaction;
    private final AuditBatchAppender batches;

    HashChainedAuditService(AuditEventRepository events, CurrentUser currentUser, Clock clock,
                            AuditKeys keys, AuditCheckpoints checkpoints, PlatformTransactionManager transactions) {
        this.keys = keys;
        this.checkpoints = checkpoints;
        this.separateTransaction = new TransactionTemplate(transactions);
        this.separateTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.batches = new AuditBatchAppender(separateTransaction);
        this.events = events;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @Override
    @PermitAll // every code path, jobs included, records its own events; the actor is the caller's identity
    @Transactional(propagation = Propagation.REQUIRED)
    public void record(AuditAction action, String targetType, String targetId, Map<String, ?> details) {
        append(currentUser.usernameOrSystem(), action, targetType, targetId, null, details,
                ClientAddress.current().orElse(null));
    }

    @Override
    @PermitAll
    @Transactional(propagation = Propagation.REQUIRED)
    public void recordForCase(AuditAction action, String targetType, String targetId, long caseId,
                              Map<String, ?> details) {
        append(currentUser.usernameOrSystem(), action, targetType, targetId, caseId, details,
                ClientAddress.current().orElse(null));
    }

    @Override
    @PermitAll // open to the login flow and jobs; a signed-in user may name only themselves (checked below)
    @Transactional(propagation = Propagation.REQUIRED)
    public void recordAs(String actor, AuditAction action, String targetType, String targetId,
                         Map<String, ?> details) {
        requireOwnName(actor);
        append(actor, action, targetType, targetId, null, details, ClientAddress.current().orElse(null));
    }

    /**
     * Appended by {@link AuditBatchAppender} in its own short transaction, together with the other events queued
     * at that moment: one chain lock and one commit for the batch. The caller's thread holds no connection while
     * it waits, and the caller returns only once its event is committed.
     */
    @Override
    @PermitAll // as recordAs: a signed-in user may name only themselves
    @Transactional(propagation = Propagation.NOT_SUPPORTED)
    public void recordDetachedAs(String actor, AuditAction action, String targetType, String targetId,
                                 Map<String, ?> details) {
        requireOwnName(actor);
        requireCode(action);
        String address = ClientAddress.current().orElse(null);
        batches.appendAndWait(() -> append(actor, action, targetType, targetId, null, details, address));
    }

    private void requireOwnName(String actor) {
        // "system" and "anonymous" name nobody; any other name must be the signed-in user's own
        currentUser.username().filter(signedIn -> !SystemIdentity.NAME.equals(signedIn))
                .filter(signedIn -> !signedIn.equalsIgnoreCase(actor) && !SystemIdentity.NAME.equals(actor)
                        && !"anonymous".equals(actor))
                .ifPresent(signedIn -> {
                    throw new AccessDeniedException("A signed-in user records audit events only as themselves");
                });
    }

    private static void requireCode(AuditAction action) {
        if (action == null || action.code() == null || action.code().isBlank()) {
            throw new IllegalArgumentException("An audit event needs an action code");
        }
    }

    private void append(String actor, AuditAction action, String targetType, String targetId, Long caseId,
                        Map<String, ?> details, String address) {
        requireCode(action);
        String detailsJson = events.asStoredJsonb(AuditHashing.detailsToJson(details));
        events.lockForAppend();
        if (!AuditAppendLock.heldByCurrentTransaction() && TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    checkpoints.commitsAppended();
                }
            });
        }
        AuditAppendLock.markHeld();
        String prevHash = events.lastHash().orElse(AuditHashing.GENESIS_HASH);
        long id = events.nextId();
        // PostgreSQL keeps microseconds; hash exactly what will be read back
        Instant occurredAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String safeActor = clip(actor == null || actor.isBlank() ? "system" : actor);
        String type = clip(targetType);
        String target = clipTargetId(targetId);
        String keyId = keys.currentId();
        String mac = AuditHashing.mac(keys, keyId, id, occurredAt, safeActor, action.code(), type, target, caseId,
                AuditHashing.canonicalDetails(detailsJson), address, prevHash);
        events.insert(new StoredAuditEvent(id, occurredAt, safeActor, action.code(), type, target, caseId,
                detailsJson, address, prevHash, mac, keyId));
    }

    @jakarta.annotation.PreDestroy
    void stopBatches() {
        batches.stop();
    }

    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public List<AuditEntry> caseTimeline(long caseId) {
        return events.forCase(caseId).stream().map(StoredAuditEvent::toEntry).toList();
    }

    /**
     * Walks the chain: each row must link to the previous one and carry a valid seal (HMAC under the key it names;
     * rows from before the keyed format only before the first keyed row), and the table must still contain the
     * head last checkpointed outside the database. The verification itself is an audit event.
     */
    @Override
    @Transactional
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public ChainVerification verifyChain() {
        ChainVerification result = walkChain();
        if (result.intact()) {
            checkpoints.record("verification");
        }
        record(AuditLogAction.AUDIT_CHAIN_VERIFIED, "AUDIT_LOG", null,
                Map.of("intact", result.intact(), "eventsChecked", result.rowsChecked(), "message", result.message()));
        return result;
    }

    private ChainVerification walkChain() {
        List<AuditCheckpoints.Checkpoint> history;
        try {
            history = checkpoints.history().stream().filter(c -> c.events() > 0)
                    .sorted(java.util.Comparator.comparingLong(AuditCheckpoints.Checkpoint::lastId)).toList();
        } catch (AuditCheckpoints.CheckpointTamperedException e) {
            return new ChainVerification(0, Optional.of(0L), "Audit chain cannot be trusted: " + e.getMessage());
        }
        long keyedFrom = checkpoints.keyedFrom();
        String expectedPrev = AuditHashing.GENESIS_HASH;
        long checked = 0;
        long afterId = 0;
        long firstId = 0;
        boolean keyed = false;
        int nextHead = 0;
        List<StoredAuditEvent> page;
        while (!(page = events.pageAfter(afterId, VERIFY_PAGE_SIZE)).isEmpty()) {
            for (StoredAuditEvent row : page) {
                checked++;
                firstId = firstId == 0 ? row.id() : firstId;
                if (!row.prevHash().equals(expectedPrev)) {
                    return broken(checked, row, "does not link to the previous event (an event before it was "
                            + "removed, inserted or changed)");
                }
                Optional<String> problem = sealProblem(row, keyed, keyedFrom);
                if (problem.isPresent()) {
                    return broken(checked, row, problem.get());
                }
                keyed |= row.keyId() != null;
                // every recorded head up to this row must be this very row, with as many events before it
                while (nextHead < history.size() && history.get(nextHead).lastId() <= row.id()) {
                    Optional<ChainVerification> differs = compareWithHead(history.get(nextHead), row, checked);
                    if (differs.isPresent()) {
                        return differs.get();
                    }
                    nextHead++;
                }
                expectedPrev = row.hash();
                afterId = row.id();
            }
        }
        if (nextHead < history.size()) {
            return deletedTail(history.get(history.size() - 1), checked, afterId);
        }
        if (checked > 0 && history.isEmpty()) {
            return new ChainVerification(checked, Optional.of(firstId), "Audit chain cannot be verified: the log "
                    + "holds " + checked + " events but no checkpoint of it exists outside the database (the audit "
                    + "folder was deleted or lost). Restore the audit folder from its backup.");
        }
        String last = history.isEmpty() ? "" : ", including the " + history.get(history.size() - 1).events()
                + " recorded by the checkpoint of " + history.get(history.size() - 1).writtenAt();
        return new ChainVerification(checked, Optional.empty(),
                "Audit chain intact: " + checked + " event" + (checked == 1 ? "" : "s") + " verified" + last);
    }

    private static Optional<ChainVerification> compareWithHead(AuditCheckpoints.Checkpoint head, StoredAuditEvent row,
                                                               long eventsUpToRow) {
        String recorded = "the checkpoint of " + head.writtenAt() + " recorded " + head.events()
                + " events up to event " + head.lastId();
        if (row.id() != head.lastId() || !row.hash().equals(head.lastMac())) {
            return Optional.of(new ChainVerification(eventsUpToRow, Optional.of(head.lastId()),
                    "Audit chain broken at event " + head.lastId() + ": it is missing or differs from what "
                            + recorded + " (the log was rewritten, or events were deleted and others written since)"));
        }
        if (eventsUpToRow != head.events()) {
            return Optional.of(new ChainVerification(eventsUpToRow, Optional.of(head.lastId()),
                    "Audit chain broken: " + recorded + " but " + eventsUpToRow + " remain up to it"));
        }
        return Optional.empty();
    }

    private static ChainVerification deletedTail(AuditCheckpoints.Checkpoint latest, long checked, long lastId) {
        String recorded = "the checkpoint of " + latest.writtenAt() + " recorded " + latest.events()
                + " events up to event " + latest.lastId();
        if (checked == 0) {
            return new ChainVerification(0, Optional.of(latest.lastId()),
                    "Audit chain broken: the audit log is empty but " + recorded + " (the table was emptied or truncated)");
        }
        return new ChainVerification(checked, Optional.of(latest.lastId()),
                "Audit chain broken: events after event " + lastId + " were deleted; " + recorded
                        + ", the log now ends at event " + lastId + " with " + checked + " events");
    }

    private Optional<String> sealProblem(StoredAuditEvent row, boolean keyedChainBegun, long keyedFrom) {
        String canonicalDetails = AuditHashing.canonicalDetails(row.detailsJson());
        if (row.keyId() == null) {
            if (row.id() >= keyedFrom) {
                return Optional.of("carries no key although the chain is keyed from "
                        + (keyedFrom == 0 ? "its first event" : "event " + keyedFrom)
                        + " (recorded in the key file, outside the database): it was rewritten without the key");
            }
            if (keyedChainBegun) {
                return Optional.of("carries no key although earlier events do (it was rewritten without the key)");
            }
            String recomputed = AuditHashing.hash(row.id(), row.occurredAt(), row.actor(), row.action(),
                    row.targetType(), row.targetId(), row.caseId(), canonicalDetails, row.clientAddress(),
                    row.prevHash());
            return recomputed.equals(row.hash()) ? Optional.empty()
                    : Optional.of("was altered after it was written (its hash does not match its content)");
        }
        if (keys.key(row.keyId()).isEmpty()) {
            return Optional.of("is sealed with key '" + row.keyId() + "', which is not configured (HISTOSCOPE_AUDIT_KEYS"
                    + " or the key file must keep every key that sealed events)");
        }
        String recomputed = AuditHashing.mac(keys, row.keyId(), row.id(), row.occurredAt(), row.actor(),
                row.action(), row.targetType(), row.targetId(), row.caseId(), canonicalDetails, row.clientAddress(),
                row.prevHash());
        return recomputed.equals(row.hash()) ? Optional.empty()
                : Optional.of("was altered or forged after it was written (its MAC does not match its content)");
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

    /** Streams the export, then records it (in its own transaction, so the export never holds the append lock). */
    @Override
    @Transactional(readOnly = true)
    @RolesAllowed({Roles.ADMIN, Roles.REVIEWER})
    public void exportCsv(AuditFilter filter, Writer out) {
        long[] rows = {0};
        writeCsv(filter, out, rows);
        separateTransaction.executeWithoutResult(status -> record(AuditLogAction.AUDIT_EXPORTED, "AUDIT_LOG", null,
                Map.of("rows", rows[0], "filter", String.valueOf(filter))));
        checkpoints.record("export");
    }

    private void writeCsv(AuditFilter filter, Writer out, long[] rows) {
        try {
            out.write(AuditCsv.HEADER);
            events.forEachMatching(filter, row -> {
                try {
                    out.write(AuditCsv.line(row.toEntry()));
                    rows[0]++;
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
