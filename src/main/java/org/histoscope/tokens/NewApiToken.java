package org.histoscope.tokens;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Set;

/** What an administrator enters for a new token: the integration's name, its roles, expiry and request budget. */
public record NewApiToken(
        @NotBlank(message = "Name the integration, e.g. lis-main")
        @Size(max = 100, message = "The name can have at most 100 characters")
        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]*", message = "Use letters, digits, '.', '_' or '-' in the name")
        String name,
        @NotEmpty(message = "Choose at least one role")
        Set<String> roles,
        @NotNull(message = "Choose when the token expires")
        Instant expiresAt,
        @Min(value = 1, message = "Allow at least 1 request per minute")
        @Max(value = 100_000, message = "At most 100,000 requests per minute")
        int requestsPerMinute) {
}
