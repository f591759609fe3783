package org.histoscope.tokens.internal;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.histoscope.tokens.ApiTokenSummary;

@Entity
@Table(name = "api_token")
public class ApiToken {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String name;
    @Column(name = "secret_sha256")
    private String secretSha256;
    private String secretPrefix;
    private String roles;
    private int requestsPerMinute;
    private String createdBy;
    private Instant createdAt;
    private Instant expiresAt;
    private Instant lastUsedAt;
    private String revokedBy;
    private Instant revokedAt;

    public ApiToken() {
    }

    public ApiToken(String name, String secretSha256, String secretPrefix, Set<String> roles, int requestsPerMinute,
             String createdBy, Instant createdAt, Instant expiresAt) {
        this.name = name;
        this.secretSha256 = secretSha256;
        this.secretPrefix = secretPrefix;
        this.roles = String.join(",", new TreeSet<>(roles));
        this.requestsPerMinute = requestsPerMinute;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
        this.expiresAt = expiresAt;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public Set<String> roleSet() {
        return Arrays.stream(roles.split(",")).filter(r -> !r.isBlank()).collect(Collectors.toCollection(TreeSet::new));
    }

    public int getRequestsPerMinute() {
        return requestsPerMinute;
    }

    public boolean isRevoked() {
        return revokedAt != null;
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public void revoke(String by, Instant at) {
        this.revokedBy = by;
        this.revokedAt = at;
    }

    public ApiTokenSummary toSummary(Instant now) {
        return new ApiTokenSummary(id, name, secretPrefix, roleSet(), requestsPerMinute, createdBy, createdAt, expiresAt,
                lastUsedAt, revokedBy, revokedAt, !isRevoked() && !isExpired(now));
    }
}
