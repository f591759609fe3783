package org.histoscope.tokens;

import java.time.Instant;
import java.util.Set;

/** A token as administrators see it; the secret is never part of it (only its first characters, to recognise it). */
public record ApiTokenSummary(long id, String name, String secretPrefix, Set<String> roles, int requestsPerMinute,
                              String createdBy, Instant createdAt, Instant expiresAt, Instant lastUsedAt,
                              String revokedBy, Instant revokedAt, boolean usable) {
}
