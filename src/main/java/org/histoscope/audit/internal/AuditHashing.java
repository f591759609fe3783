package org.histoscope.audit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The canonical form of an audit row and its SHA-256. The canonical form is a JSON array of the row's fields in a
 * fixed order plus the previous hash; the details are re-serialised with sorted keys from PostgreSQL's own jsonb
 * text, so the hash does not depend on how a caller's map happened to be ordered or on jsonb's normalisation.
 * This class has its own ObjectMapper on purpose: a change to the application's JSON settings must never change
 * the hashes of rows already written.
 */
public final class AuditHashing {

    public static final String GENESIS_HASH = "0".repeat(64);
    private static final String FORMAT_VERSION = "v1";

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private AuditHashing() {
    }

    /** The caller's details as JSON text, ready to be cast to jsonb. */
    public static String detailsToJson(Map<String, ?> details) {
        try {
            return CANONICAL.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Audit details cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Sorted-key JSON of the jsonb text PostgreSQL gives back. */
    public static String canonicalDetails(String jsonbText) {
        try {
            Object tree = CANONICAL.readValue(jsonbText == null ? "{}" : jsonbText, Object.class);
            return CANONICAL.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored audit details are not valid JSON", e);
        }
    }

    /**
     * The keyed seal of a row (format v2): HMAC-SHA-256 over the same canonical fields plus the key id, so a row
     * cannot be rewritten and re-sealed without the key, which is not in the database.
     */
    public static String mac(AuditKeys keys, String keyId, long id, Instant occurredAt, String actor, String action,
                      String targetType, String targetId, Long caseId, String canonicalDetails, String clientAddress,
                      String prevHash) {
        List<Object> fields = new ArrayList<>(Arrays.asList("v2", id, occurredAt.toString(), actor, action,
                targetType, targetId, caseId, canonicalDetails, clientAddress, prevHash, keyId));
        try {
            return keys.mac(keyId, CANONICAL.writeValueAsBytes(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot seal audit event", e);
        }
    }

    static byte[] canonicalBytes(Object value) {
        try {
            return CANONICAL.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T readCanonical(byte[] json, Class<T> type) throws java.io.IOException {
        return CANONICAL.readValue(json, type);
    }

    /** The unkeyed SHA-256 of format v1, kept to verify rows written before keys were introduced. */
    public static String hash(long id, Instant occurredAt, String actor, String action, String targetType, String targetId,
                       Long caseId, String canonicalDetails, String clientAddress, String prevHash) {
        List<Object> fields = new ArrayList<>(Arrays.asList(FORMAT_VERSION, id, occurredAt.toString(), actor, action,
                targetType, targetId, caseId, canonicalDetails, clientAddress, prevHash));
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(fields);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash audit event", e);
        }
    }
}
