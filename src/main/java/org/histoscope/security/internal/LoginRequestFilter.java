package org.histoscope.security.internal;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DeferredCsrfToken;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.web.filter.OncePerRequestFilter;
import org.histoscope.security.LoginThrottle;
import org.histoscope.security.LoginThrottledEvent;

/**
 * Guards the login form's POST before Spring Security authenticates it. The CSRF token must come in its body (Vaadin's
 * login view is exempt from Spring's CSRF filter, so a foreign page could otherwise sign a victim in to an account
 * of the attacker's), and a throttled login is refused with the answer and the password-hashing time of any
 * failed login, so neither the answer nor its timing tells whether the account exists or is locked.
 */
class LoginRequestFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(LoginRequestFilter.class);
    /** A hash of a random password, so that a refused attempt costs the same bcrypt work as a checked one. */
    private final String dummyHash;
    private final PasswordEncoder passwordEncoder;
    private final LoginThrottle throttle;
    private final String loginPath;
    private final String failureUrl;

    private final ApplicationEventPublisher events;

    LoginRequestFilter(PasswordEncoder passwordEncoder, LoginThrottle throttle, ApplicationEventPublisher events,
                       String loginPath, String failureUrl) {
        this.events = events;
        this.passwordEncoder = passwordEncoder;
        this.throttle = throttle;
        this.loginPath = loginPath;
        this.failureUrl = failureUrl;
        this.dummyHash = passwordEncoder.encode("not-a-password-" + System.nanoTime());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !(request.getContextPath() + loginPath).equals(request.getRequestURI());
    }

    /**
     * The token must come in the POST body, never in the URL (where it would land in access logs, the history and
     * Referer headers); it may come masked (Spring's default, BREACH protection) or plain, and must match the
     * session's.
     */
    private static boolean carriesCsrfToken(HttpServletRequest request) {
        if (!(request.getAttribute(DeferredCsrfToken.class.getName()) instanceof DeferredCsrfToken deferred)) {
            return false;
        }
        CsrfToken expected = deferred.get();
        if (inQueryString(request, expected.getParameterName())) {
            return false;
        }
        String given = request.getParameter(expected.getParameterName());
        if (given == null) {
            return false;
        }
        String unmasked = new XorCsrfTokenRequestAttributeHandler().resolveCsrfTokenValue(request, expected);
        return same(expected.getToken(), given) || (unmasked != null && same(expected.getToken(), unmasked));
    }

    private static boolean inQueryString(HttpServletRequest request, String parameter) {
        String query = request.getQueryString();
        if (query == null) {
            return false;
        }
        for (String pair : query.split("&")) {
            String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            if (java.net.URLDecoder.decode(name, StandardCharsets.UTF_8).equals(parameter)) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!carriesCsrfToken(request)) {
            log.warn("Login POST from {} refused: missing or wrong CSRF token", request.getRemoteAddr());
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "Reload the sign-in page and try again.");
            return;
        }
        String username = request.getParameter("username");
        var refusal = throttle.refusal(request.getRemoteAddr(), username);
        if (refusal.isPresent()) {
            passwordEncoder.matches(String.valueOf(request.getParameter("password")), dummyHash);
            events.publishEvent(new LoginThrottledEvent(username, request.getRemoteAddr(), refusal.get()));
            log.warn("Login for '{}' from {} refused without a password check: {}", username,
                    request.getRemoteAddr(), refusal.get());
            response.sendRedirect(request.getContextPath() + failureUrl);
            return;
        }
        chain.doFilter(request, response);
    }
}
