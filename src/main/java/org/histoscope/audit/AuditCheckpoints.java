package org.histoscope.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.histoscope.audit.AuditEventRepository.ChainHead;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The head of the audit chain (number of events, last id, last MAC), recorded outside the database: a file in the
 * data folder sealed with the audit key, and a line in the application log (which log shipping copies elsewhere).
 * A verifier compares the table with it, so a deleted tail or an emptied table is noticed although the remaining
 * rows still chain correctly. Written on a schedule, at every export and after every successful verification; never
 * overwritten by a head that no longer contains the previous one.
 */
@Component
class AuditCheckpoints {

    private static final Logger log = LoggerFactory.getLogger(AuditCheckpoints.class);

    /** The recorded head; {@code mac} seals the other fields with key {@code keyId}. */
    record Checkpoint(long events, long lastId, String lastMac, Instant writtenAt, String keyId, String mac) {

        List<Object> sealedFields() {
            return Arrays.asList("checkpoint-v1", events, lastId, lastMac, writtenAt.toString(), keyId);
        }
    }

    private final AuditEventRepository events;
    private final AuditKeys keys;
    private final Path file;
    private final Clock clock;

    AuditCheckpoints(AuditEventRepository events, AuditKeys keys, AuditProperties properties, Clock clock) {
        this.events = events;
        this.keys = keys;
        this.file = properties.checkpointFile().toAbsolutePath().normalize();
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${histoscope.audit.checkpoint-interval:5m}",
            initialDelayString = "${histoscope.audit.checkpoint-interval:5m}")
    void onSchedule() {
        record("schedule");
    }

    /** Records the current head unless it contradicts the last checkpoint (then that one is kept and reported). */
    @Transactional(readOnly = true)
    public synchronized Optional<Checkpoint> record(String occasion) {
        ChainHead head = events.head();
        Optional<Checkpoint> previous = latest();
        if (previous.isPresent() && !extends_(head, previous.get())) {
            log.error("Audit checkpoint NOT updated ({}): the audit log no longer contains the checkpointed head "
                    + "({} events up to event {}); it now has {} events. Verify the audit chain.", occasion,
                    previous.get().events(), previous.get().lastId(), head.events());
            return previous;
        }
        Instant now = clock.instant();
        String keyId = keys.currentId();
        Checkpoint unsealed = new Checkpoint(head.events(), head.lastId(), head.lastMac(), now, keyId, null);
        Checkpoint checkpoint = new Checkpoint(head.events(), head.lastId(), head.lastMac(), now, keyId,
                keys.mac(keyId, AuditHashing.canonicalBytes(unsealed.sealedFields())));
        write(checkpoint);
        log.info("Audit checkpoint ({}): {} events, last event {}, last MAC {}", occasion, checkpoint.events(),
                checkpoint.lastId(), checkpoint.lastMac());
        return Optional.of(checkpoint);
    }

    private boolean extends_(ChainHead head, Checkpoint previous) {
        if (previous.events() == 0) {
            return true;
        }
        return head.events() >= previous.events()
                && events.hashOf(previous.lastId()).map(previous.lastMac()::equals).orElse(false);
    }

    /**
     * The last checkpoint, if one was written.
     *
     * @throws CheckpointTamperedException when the file exists but its seal does not match
     */
    Optional<Checkpoint> latest() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Checkpoint stored;
        try {
            stored = AuditHashing.readCanonical(Files.readAllBytes(file), Checkpoint.class);
        } catch (IOException e) {
            throw new CheckpointTamperedException("the checkpoint file " + file + " cannot be read: " + e.getMessage());
        }
        if (stored.keyId() == null || keys.key(stored.keyId()).isEmpty() || stored.mac() == null
                || !stored.mac().equals(keys.mac(stored.keyId(), AuditHashing.canonicalBytes(stored.sealedFields())))) {
            throw new CheckpointTamperedException("the checkpoint file " + file + " was altered (its seal does not match)");
        }
        return Optional.of(stored);
    }

    private void write(Checkpoint checkpoint) {
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(temporary, AuditHashing.canonicalBytes(checkpoint));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("The audit checkpoint cannot be written to " + file, e);
        }
    }

    static class CheckpointTamperedException extends RuntimeException {
        CheckpointTamperedException(String message) {
            super(message);
        }
    }
}
