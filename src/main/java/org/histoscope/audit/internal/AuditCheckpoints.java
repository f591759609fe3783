package org.histoscope.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.histoscope.audit.internal.AuditEventRepository.ChainHead;
import org.histoscope.platform.BeforeServing;
import org.springframework.context.SmartLifecycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * The heads of the audit chain (number of events, last id, last MAC), recorded outside the database as an
 * append-only history: one line per checkpoint in a file of the audit folder, each sealed with the audit key, and a
 * line in the application log (which log shipping copies elsewhere). A checkpoint is appended within
 * {@code histoscope.audit.checkpoint-interval} (1 s) of every commit that added audit events, at every export and
 * after every successful verification. A verifier compares the table with every head of the history, so a deleted
 * tail or an emptied table is noticed although the remaining rows still chain correctly.
 * <p>
 * A head is never appended when it no longer contains the previous one, nor when the history is missing while the
 * table is not empty: a forged or shortened chain is never sealed. The history also keeps from which event on the
 * chain is keyed (as does the key file), so rows rewritten in the old unkeyed format are forgeries.
 */
@Component
@Unguarded("lifecycle and the audit service's own after-commit hook; writes only the chain's signed head")
public class AuditCheckpoints implements SmartLifecycle, SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);

    /** A recorded head; {@code mac} seals the other fields with key {@code keyId}. */
    public record Checkpoint(long events, long lastId, String lastMac, Instant writtenAt, String keyId, String mac,
                      Long keyedFrom) {

        List<Object> sealedFields() {
            return keyedFrom == null
                    ? Arrays.asList("checkpoint-v1", events, lastId, lastMac, writtenAt.toString(), keyId)
                    : Arrays.asList("checkpoint-v2", events, lastId, lastMac, writtenAt.toString(), keyId, keyedFrom);
        }
    }

    private final AuditEventRepository events;
    private final AuditKeys keys;
    private final Path file;
    private final Duration interval;
    private final Clock clock;
    private final AtomicBoolean commitsPending = new AtomicBoolean();
    private volatile long keyedFrom;
    private volatile boolean anchored;

    AuditCheckpoints(AuditEventRepository events, AuditKeys keys, AuditProperties properties, Clock clock) {
        this.events = events;
        this.keys = keys;
        this.file = properties.checkpointFile().toAbsolutePath().normalize();
        this.interval = properties.checkpointInterval();
        this.clock = clock;
    }

    /** Checkpoints committed events every {@link AuditProperties#checkpointInterval()} (the one place of its default). */
    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::checkpointCommittedEvents, interval);
    }

    /** At start-up, after the migrations and before any start-up step writes an event (BeforeServing). */
    @Override
    public void start() {
        anchor();
        anchored = true;
    }

    @Override
    public void stop() {
        anchored = false;
    }

    @Override
    public boolean isRunning() {
        return anchored;
    }

    @Override
    public int getPhase() {
        return BeforeServing.phase(BeforeServing.ANCHOR_AUDIT_CHAIN);
    }

    /**
     * Records (once) from which event on the chain is keyed, in the key file, and starts the history with the empty
     * chain's head on a new installation.
     */
    void anchor() {
        List<Checkpoint> history;
        try {
            history = history();
        } catch (CheckpointTamperedException e) {
            log.error("Audit checkpoints cannot be trusted: {}. Verify the audit chain.", e.getMessage());
            history = List.of();
        }
        Optional<Long> fromHistory = history.stream().map(Checkpoint::keyedFrom).filter(k -> k != null)
                .reduce(Math::min);
        Optional<Long> fromKeyFile = keys.keyedFrom();
        long origin = fromKeyFile.or(() -> fromHistory).orElseGet(events::firstIdAfterUnkeyedRows);
        origin = Math.min(origin, fromHistory.orElse(origin));
        keys.recordKeyedFrom(origin);
        keyedFrom = Math.min(origin, keys.keyedFrom().orElse(origin));
        if (Files.exists(file)) {
            return;
        }
        ChainHead head = events.head();
        if (head.events() == 0) {
            append(head, "installation");
        } else {
            log.error("The audit log holds {} events but its checkpoint history {} is missing: the audit folder was "
                    + "lost or deleted. Restore it from its backup; until then the chain is reported as broken and "
                    + "no new checkpoint is written.", head.events(), file);
        }
    }

    /** From which event id on every audit row must carry a key (0: from the first event). */
    public long keyedFrom() {
        return keyedFrom;
    }

    /** Called after every commit that appended audit events; the head is checkpointed within the interval. */
    public void commitsAppended() {
        commitsPending.set(true);
    }

    void checkpointCommittedEvents() {
        if (!commitsPending.getAndSet(false)) {
            return;
        }
        try {
            record("commit");
        } catch (RuntimeException e) {
            commitsPending.set(true);
            log.error("The audit checkpoint could not be written; it is tried again", e);
        }
    }

    /**
     * Appends the current head unless it contradicts the history (then the last checkpoint is kept and reported),
     * or the history is missing while the chain is not empty (then nothing is sealed).
     */
    public synchronized Optional<Checkpoint> record(String occasion) {
        ChainHead head = events.head();
        List<Checkpoint> history = history();
        if (history.isEmpty()) {
            if (head.events() > 0) {
                log.error("Audit checkpoint NOT written ({}): the audit log holds {} events but no earlier checkpoint"
                        + " exists in {}; a chain is sealed only from the checkpoint of its empty start. Verify the "
                        + "audit chain and restore the audit folder from its backup.", occasion, head.events(), file);
                return Optional.empty();
            }
            return Optional.of(append(head, occasion));
        }
        Checkpoint previous = history.get(history.size() - 1);
        if (!extends_(head, previous)) {
            if (head.lastId() < previous.lastId() && stillHolds(previous)) {
                return Optional.of(previous); // another node sharing this history checkpointed a newer head
            }
            log.error("Audit checkpoint NOT updated ({}): the audit log no longer contains the checkpointed head "
                    + "({} events up to event {}); it now has {} events. Verify the audit chain.", occasion,
                    previous.events(), previous.lastId(), head.events());
            return Optional.of(previous);
        }
        if (previous.events() == head.events() && previous.lastId() == head.lastId()) {
            return Optional.of(previous);
        }
        return Optional.of(append(head, occasion));
    }

    private boolean extends_(ChainHead head, Checkpoint previous) {
        if (previous.events() == 0) {
            return true;
        }
        return head.events() >= previous.events() && stillHolds(previous);
    }

    private boolean stillHolds(Checkpoint previous) {
        return events.hashOf(previous.lastId()).map(previous.lastMac()::equals).orElse(false);
    }

    /** The last checkpoint, if one was written. */
    public Optional<Checkpoint> latest() {
        List<Checkpoint> history = history();
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1));
    }

    /**
     * Every checkpoint in the order written (empty when the file does not exist); nodes sharing the file may have
     * written two heads out of order.
     *
     * @throws CheckpointTamperedException when a line cannot be read or its seal does not match
     */
    public List<Checkpoint> history() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointTamperedException("the checkpoint file " + file + " cannot be read: " + e.getMessage());
        }
        List<Checkpoint> history = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            Checkpoint stored;
            try {
                stored = AuditHashing.readCanonical(lines.get(i).getBytes(StandardCharsets.UTF_8), Checkpoint.class);
            } catch (IOException e) {
                throw new CheckpointTamperedException("line " + (i + 1) + " of the checkpoint file " + file
                        + " cannot be read");
            }
            if (stored.keyId() == null || keys.key(stored.keyId()).isEmpty() || stored.mac() == null
                    || !stored.mac().equals(keys.mac(stored.keyId(), AuditHashing.canonicalBytes(stored.sealedFields())))) {
                throw new CheckpointTamperedException("line " + (i + 1) + " of the checkpoint file " + file
                        + " was altered (its seal does not match)");
            }
            history.add(stored);
        }
        return history;
    }

    private Checkpoint append(ChainHead head, String occasion) {
        Instant now = clock.instant();
        String keyId = keys.currentId();
        Checkpoint unsealed = new Checkpoint(head.events(), head.lastId(), head.lastMac(), now, keyId, null, keyedFrom);
        Checkpoint checkpoint = new Checkpoint(head.events(), head.lastId(), head.lastMac(), now, keyId,
                keys.mac(keyId, AuditHashing.canonicalBytes(unsealed.sealedFields())), keyedFrom);
        write(checkpoint);
        log.info("Audit checkpoint ({}): {} events, last event {}, last MAC {}", occasion, checkpoint.events(),
                checkpoint.lastId(), checkpoint.lastMac());
        return checkpoint;
    }

    /**
     * Appends one line and forces it to disk, under a file lock (nodes sharing the folder append to one history); a
     * file of an earlier version (one line, no newline) is continued.
     */
    private void write(Checkpoint checkpoint) {
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
                long end = channel.size();
                String separator = "";
                if (end > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    channel.read(last, end - 1);
                    separator = last.get(0) == '\n' ? "" : "\n";
                }
                ByteBuffer line = ByteBuffer.wrap((separator + new String(AuditHashing.canonicalBytes(checkpoint),
                        StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
                while (line.hasRemaining()) {
                    end += channel.write(line, end);
                }
                channel.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("The audit checkpoint cannot be written to " + file, e);
        }
    }

    public static class CheckpointTamperedException extends RuntimeException {
        CheckpointTamperedException(String message) {
            super(message);
        }
    }
}
