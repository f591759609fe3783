package org.histoscope.audit.internal;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param keys               HMAC keys as {@code id=base64} entries, newest last (HISTOSCOPE_AUDIT_KEYS); when empty,
 *                           the key file is used
 * @param keyFile            the key file (created with a random key when missing); keep it out of database backups
 * @param checkpointFile     the append-only history of the chain's sealed heads, outside the database
 * @param checkpointInterval at most this long after a commit of audit events its head is checkpointed (also at
 *                           every export and successful verification)
 */
@ConfigurationProperties("histoscope.audit")
public record AuditProperties(String keys, @DefaultValue("./data/keys/audit-hmac.keys") Path keyFile,
                              @DefaultValue("./data/audit/checkpoint.json") Path checkpointFile,
                              @DefaultValue("1s") Duration checkpointInterval) {
}
