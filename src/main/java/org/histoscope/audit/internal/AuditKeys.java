package org.histoscope.audit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC-SHA-256 keys that seal audit events and checkpoints. They never enter the database, so whoever can
 * rewrite audit_event (a database owner or superuser) still cannot compute a valid MAC for a forged row. Keys come
 * from HISTOSCOPE_AUDIT_KEYS, or else from a key file (HISTOSCOPE_AUDIT_KEY_FILE, created with a fresh random key on
 * the first start). Both hold {@code id=base64key} entries (whitespace or newline separated); the last one signs new
 * events, the earlier ones still verify what they signed. Rotation: append a new entry, restart.
 * <p>
 * The key file also records, once, from which event on the chain is keyed ({@code keyed-from-event=N}, 0 for a chain
 * keyed from its first event). It lives outside the database, so rows rewritten in the old unkeyed format after
 * that point are forgeries whatever the database says.
 */
public final class AuditKeys {

    private static final Logger log = LoggerFactory.getLogger(AuditKeys.class);
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9._-]{1,32})=([A-Za-z0-9+/=]+)");
    private static final int MIN_KEY_BYTES = 32;
    public static final String KEYED_FROM = "keyed-from-event=";

    private final Map<String, byte[]> keys;
    private final String currentId;
    private final Path file;
    private volatile Long keyedFrom;

    private AuditKeys(Map<String, byte[]> keys, Path file, Long keyedFrom) {
        if (keys.isEmpty()) {
            throw new IllegalStateException("No audit key configured");
        }
        this.keys = Map.copyOf(keys);
        this.currentId = List.copyOf(keys.keySet()).get(keys.size() - 1);
        this.file = file;
        this.keyedFrom = keyedFrom;
    }

    private AuditKeys(AuditKeys parsed, Path file, Long keyedFrom) {
        this(parsed.keys, file, keyedFrom);
    }

    public static AuditKeys parse(String text, String source) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        for (String token : text.strip().split("\\s+")) {
            if (token.isBlank() || token.startsWith("#")) {
                continue;
            }
            var match = ENTRY.matcher(token);
            if (!match.matches()) {
                throw new IllegalStateException(source + ": an audit key entry must look like id=base64key");
            }
            byte[] key = Base64.getDecoder().decode(match.group(2));
            if (key.length < MIN_KEY_BYTES) {
                throw new IllegalStateException(source + ": audit key '" + match.group(1) + "' is shorter than "
                        + MIN_KEY_BYTES + " bytes");
            }
            keys.remove(match.group(1));
            keys.put(match.group(1), key);
        }
        return new AuditKeys(keys, null, null);
    }

    /** From the configured keys, else from the key file, creating the file with a random key when it is absent. */
    static AuditKeys load(String configuredKeys, Path keyFile, java.time.Clock clock) {
        if (configuredKeys != null && !configuredKeys.isBlank()) {
            return parse(configuredKeys, "HISTOSCOPE_AUDIT_KEYS");
        }
        try {
            if (!Files.exists(keyFile)) {
                create(keyFile, clock);
            }
            List<String> lines = Files.readAllLines(keyFile, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
            Long keyedFrom = lines.stream().filter(line -> line.startsWith(KEYED_FROM))
                    .map(line -> Long.parseLong(line.substring(KEYED_FROM.length()))).reduce(Math::min).orElse(null);
            String entries = lines.stream().filter(line -> !line.startsWith(KEYED_FROM))
                    .reduce("", (a, b) -> a + "\n" + b);
            return new AuditKeys(parse(entries, keyFile.toString()), keyFile, keyedFrom);
        } catch (IOException e) {
            throw new UncheckedIOException("The audit key file " + keyFile + " cannot be read", e);
        }
    }

    private static void create(Path keyFile, java.time.Clock clock) throws IOException {
        Files.createDirectories(keyFile.toAbsolutePath().getParent());
        byte[] key = new byte[MIN_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        String id = "k" + java.time.LocalDate.now(clock.withZone(java.time.ZoneOffset.UTC)).toString().replace("-", "");
        Files.writeString(keyFile, "# Histoscope audit HMAC keys: id=base64key, newest last. Keep a copy apart from "
                + "the database backups.\n" + id + "=" + Base64.getEncoder().encodeToString(key) + "\n");
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system; the folder's permissions apply
        }
        log.warn("Created the audit HMAC key file {} (key '{}'). Back it up separately from the database: without it"
                + " the audit trail can no longer be verified.", keyFile, id);
    }

    /** From which event on every row must be keyed, as recorded in the key file (empty: not recorded there). */
    Optional<Long> keyedFrom() {
        return Optional.ofNullable(keyedFrom);
    }

    /** Records it in the key file once; keys given by HISTOSCOPE_AUDIT_KEYS have no file (the checkpoints keep it). */
    synchronized void recordKeyedFrom(long firstKeyedEvent) {
        if (file == null || keyedFrom != null) {
            return;
        }
        try {
            Files.writeString(file, "\n# Every audit event from this id on is sealed with a key; an unkeyed one is a forgery\n"
                    + KEYED_FROM + firstKeyedEvent + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            keyedFrom = firstKeyedEvent;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot record in the audit key file " + file + " that the chain is keyed", e);
        }
    }

    public String currentId() {
        return currentId;
    }

    public Optional<byte[]> key(String id) {
        return Optional.ofNullable(keys.get(id));
    }

    String mac(String keyId, byte[] data) {
        byte[] key = key(keyId).orElseThrow(() -> new IllegalStateException("Unknown audit key " + keyId));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(data));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }
}
