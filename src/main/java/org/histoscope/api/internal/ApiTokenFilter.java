package org.histoscope.api.internal;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.histoscope.tokens.ApiCaller;
import org.histoscope.tokens.ApiTokenService;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates "Authorization: Bearer hsk_..." (only that), applies the token's rate limit and audits every
 * request made with a valid token, with its final status. A missing or bad token leaves the request
 * unauthenticated, so the chain answers 401.
 */
class ApiTokenFilter extends OncePerRequestFilter {

    private static final RequestAttributeSecurityContextRepository SAVED_CONTEXT =
            new RequestAttributeSecurityContextRepository();
    static final String REJECTED_TOKEN = ApiTokenFilter.class.getName() + ".rejected";
    private static final String BEARER = "Bearer ";

    private final ApiTokenService tokens;
    private final ApiRateLimiter rateLimiter;
    private final ApiProblems problems;

    ApiTokenFilter(ApiTokenService tokens, ApiRateLimiter rateLimiter, ApiProblems problems) {
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            chain.doFilter(request, response);
            return;
        }
        Optional<ApiCaller> caller = tokens.authenticate(header.substring(BEARER.length()).trim());
        if (caller.isEmpty()) {
            request.setAttribute(REJECTED_TOKEN, Boolean.TRUE);
            chain.doFilter(request, response);
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication(caller.get()));
        SecurityContextHolder.setContext(context);
        // kept on the request too: an asynchronous answer (the jobs' long-poll) is dispatched again, without this filter
        SAVED_CONTEXT.saveContext(context, request, response);
        try {
            ApiRateLimiter.Decision decision = rateLimiter.tryAcquire(caller.get());
            response.setHeader("RateLimit-Limit", String.valueOf(caller.get().requestsPerMinute()));
            response.setHeader("RateLimit-Remaining", String.valueOf(decision.remaining()));
            if (decision.allowed()) {
                chain.doFilter(request, response);
            } else {
                problems.tooManyRequests(response, decision.retryAfterSeconds());
            }
        } finally {
            if (request.isAsyncStarted()) {
                recordUseWhenAnswered(request, caller.get(), context);
            } else {
                tokens.recordUse(caller.get(), request.getMethod(), request.getRequestURI(), response.getStatus());
            }
        }
    }

    /** An asynchronous request is audited with the status it is finally answered with, as its caller. */
    private void recordUseWhenAnswered(HttpServletRequest request, ApiCaller caller, SecurityContext context) {
        String method = request.getMethod();
        String uri = request.getRequestURI();
        request.getAsyncContext().addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                SecurityContextHolder.setContext(context);
                try {
                    tokens.recordUse(caller, method, uri,
                            ((HttpServletResponse) event.getSuppliedResponse()).getStatus());
                } finally {
                    SecurityContextHolder.clearContext();
                }
            }

            @Override
            public void onTimeout(AsyncEvent event) {
            }

            @Override
            public void onError(AsyncEvent event) {
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
    }

    private static UsernamePasswordAuthenticationToken authentication(ApiCaller caller) {
        UsernamePasswordAuthenticationToken authentication = UsernamePasswordAuthenticationToken.authenticated(
                caller.principalName(), null,
                caller.roles().stream().map(role -> new SimpleGrantedAuthority("ROLE_" + role)).toList());
        authentication.setDetails(caller);
        return authentication;
    }
}
