package org.histoscope.users;

import java.time.Instant;
import java.util.Set;

/**
 * A read-only view of an account for screens and other features. {@code lockedUntil} is null when not locked;
 * {@code language} is null when the account follows its browser's language.
 */
public record UserAccountSummary(String username, String fullName, String email, Set<String> roles,
                                 boolean enabled, boolean mustChangePassword, Instant lockedUntil,
                                 int failedAttempts, Instant createdAt, Instant updatedAt, String updatedBy,
                                 AccountSource source, UserLanguage language) {

    public boolean locked() {
        return lockedUntil != null;
    }
}
