package org.histoscope.tokens;

import org.histoscope.platform.PeopleText;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.histoscope.audit.AuditService;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.tokens.internal.ApiToken;
import org.histoscope.tokens.internal.ApiTokenRepository;
import org.histoscope.tokens.internal.TokenAuditAction;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;

/**
 * API tokens for machines. A secret is 256 random bits, shown once; only its SHA-256 is stored (a slow password
 * hash adds nothing for a secret this long, and a fast one lets every request look the token up by its hash).
 */
@Service
@Validated
@RolesAllowed(Roles.ADMIN)
public class ApiTokenService {

    static final String SECRET_PREFIX = "hsk_";
    private static final String TOKEN = "api_token";
    /** How stale a token's "last used" may be; every single use is in the audit log. */
    static final java.time.Duration LAST_USED_PRECISION = java.time.Duration.ofMinutes(1);
    private static final Set<String> ASSIGNABLE_ROLES = Set.of(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN);

    private final ApiTokenRepository tokens;
    private final AuditService audit;
    private final CurrentUser currentUser;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiTokenService(ApiTokenRepository tokens, AuditService audit, CurrentUser currentUser, Clock clock) {
        this.tokens = tokens;
        this.audit = audit;
        this.currentUser = currentUser;
        this.clock = clock;
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public IssuedApiToken create(@Valid NewApiToken request) {
        Instant now = clock.instant();
        String name = request.name().trim();
        if (!ASSIGNABLE_ROLES.containsAll(request.roles())) {
            throw new ApiTokenRejectedException(PeopleText.of("refusal.tokens.unknown-role-choose-from", String.valueOf(ASSIGNABLE_ROLES)));
        }
        if (!request.expiresAt().isAfter(now)) {
            throw new ApiTokenRejectedException(PeopleText.of("refusal.tokens.expiry-must-future"));
        }
        if (tokens.existsByNameIgnoreCase(name)) {
            throw new ApiTokenRejectedException(PeopleText.of("refusal.tokens.token-named-already-exists-revoked", String.valueOf(name)));
        }
        String secret = newSecret();
        ApiToken token = new ApiToken(name, sha256(secret), secret.substring(0, SECRET_PREFIX.length() + 6),
                request.roles(), request.requestsPerMinute(), currentUser.usernameOrSystem(), now, request.expiresAt());
        try {
            tokens.saveAndFlush(token);
        } catch (DataIntegrityViolationException e) {
            throw new ApiTokenRejectedException(PeopleText.of("refusal.tokens.token-named-already-exists", String.valueOf(name)));
        }
        audit.record(TokenAuditAction.API_TOKEN_CREATED, TOKEN, token.getId().toString(),
                Map.of("name", name, "roles", String.join(",", token.roleSet()),
                        "expiresAt", request.expiresAt().toString(), "requestsPerMinute", request.requestsPerMinute()));
        return new IssuedApiToken(token.toSummary(now), secret);
    }

    @Transactional(readOnly = true)
    @RolesAllowed(Roles.ADMIN)
    public List<ApiTokenSummary> list() {
        Instant now = clock.instant();
        return tokens.findAllByOrderByCreatedAtDesc().stream().map(t -> t.toSummary(now)).toList();
    }

    @Transactional
    @RolesAllowed(Roles.ADMIN)
    public ApiTokenSummary revoke(long tokenId) {
        ApiToken token = tokens.findById(tokenId)
                .orElseThrow(() -> new ApiTokenRejectedException(PeopleText.of("refusal.tokens.token-longer-exists")));
        if (token.isRevoked()) {
            throw new ApiTokenRejectedException(PeopleText.of("refusal.tokens.token-already-revoked", String.valueOf(token.getName())));
        }
        Instant now = clock.instant();
        token.revoke(currentUser.usernameOrSystem(), now);
        audit.record(TokenAuditAction.API_TOKEN_REVOKED, TOKEN, token.getId().toString(), Map.of("name", token.getName()));
        return token.toSummary(now);
    }

    /**
     * Checks a presented secret, before anyone is authenticated (hence open to all). A valid one has its last use
     * stamped (to the minute); an unknown, revoked or expired one is audited and yields nothing.
     */
    @Transactional
    @PermitAll
    public Optional<ApiCaller> authenticate(String presentedSecret) {
        if (presentedSecret == null || !presentedSecret.startsWith(SECRET_PREFIX) || presentedSecret.length() > 200) {
            rejected(null, "malformed", presentedSecret);
            return Optional.empty();
        }
        Optional<ApiToken> found = tokens.findBySecretSha256(sha256(presentedSecret));
        Instant now = clock.instant();
        if (found.isEmpty()) {
            rejected(null, "unknown", presentedSecret);
            return Optional.empty();
        }
        ApiToken token = found.get();
        if (token.isRevoked() || token.isExpired(now)) {
            rejected(token, token.isRevoked() ? "revoked" : "expired", presentedSecret);
            return Optional.empty();
        }
        // at most one write per token and minute: fifty clients sharing a token would otherwise queue on its row
        tokens.touch(token.getId(), now, now.minus(LAST_USED_PRECISION));
        return Optional.of(new ApiCaller(token.getId(), token.getName(), token.roleSet(), token.getRequestsPerMinute()));
    }

    /**
     * Records one request made with a token, after its response status is known. Every request keeps its own audit
     * event (an API read of a case or result is audited by this event alone), appended outside any transaction of
     * the request, batched with the other requests' events of that moment (see {@link AuditService#recordDetachedAs}).
     */
    @RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
    public void recordUse(ApiCaller caller, String method, String path, int status) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("token", caller.tokenName());
        details.put("method", method);
        details.put("path", path);
        details.put("status", status);
        audit.recordDetachedAs(caller.principalName(), TokenAuditAction.API_TOKEN_USED, TOKEN, String.valueOf(caller.tokenId()),
                details);
    }

    private void rejected(ApiToken token, String reason, String presentedSecret) {
        String shown = presentedSecret == null ? "" : presentedSecret.substring(0, Math.min(10, presentedSecret.length()));
        audit.recordAs("anonymous", TokenAuditAction.API_TOKEN_REJECTED, TOKEN,
                token == null ? shown : token.getId().toString(),
                Map.of("reason", reason, "name", token == null ? "" : token.getName()));
    }

    private String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
