package org.histoscope.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Ends signed-in sessions by the department's rules rather than by HTTP traffic: after {@code idleTimeout} without a
 * user action, and {@code absoluteLifetime} after sign-in however active. Vaadin's heartbeat and push keep a tab's
 * HTTP session alive, so they never count as actions; the browser reports real actions (see {@link IdleWatch}), and
 * every other request counts too. The check runs on every request, heartbeats included, so an abandoned tab's
 * session ends at its next heartbeat even if its page script no longer runs.
 */
public class SessionLifetime extends OncePerRequestFilter {

    /** Session attributes. END_REASON tells the audit listener why the session ended. */
    public static final String END_REASON = SessionLifetime.class.getName() + ".END_REASON";
    static final String SIGNED_IN_AT = SessionLifetime.class.getName() + ".SIGNED_IN_AT";
    static final String LAST_USER_ACTION = SessionLifetime.class.getName() + ".LAST_USER_ACTION";
    public static final String TIMEOUT_PATH = "/session-timeout";
    static final String IDLE = "idle timeout";
    static final String LIFETIME = "absolute session lifetime reached";

    private final SecurityProperties.Session settings;
    private final Clock clock;

    SessionLifetime(SecurityProperties.Session settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        boolean timeoutPage = (request.getContextPath() + TIMEOUT_PATH).equals(request.getRequestURI());
        if (session == null || signedIn().isEmpty()) {
            if (timeoutPage) {
                response.sendRedirect(request.getContextPath() + "/login?timeout");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        long now = clock.millis();
        Long signedInAt = (Long) session.getAttribute(SIGNED_IN_AT);
        if (signedInAt == null) {
            session.setAttribute(SIGNED_IN_AT, now);
            session.setAttribute(LAST_USER_ACTION, now);
            signedInAt = now;
        }
        Long lastAction = (Long) session.getAttribute(LAST_USER_ACTION);
        Optional<String> end = now - signedInAt >= settings.absoluteLifetime().toMillis() ? Optional.of(LIFETIME)
                : lastAction != null && now - lastAction >= settings.idleTimeout().toMillis() ? Optional.of(IDLE)
                : Optional.empty();
        if (end.isPresent()) {
            endSession(request, session, end.get());
            if (isBackgroundRequest(request)) {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            } else {
                response.sendRedirect(request.getContextPath() + "/login?" + (end.get().equals(IDLE) ? "timeout" : "expired"));
            }
            return;
        }
        if (timeoutPage) {
            // The tab's script thinks the user is idle, but another tab of the same session was used meanwhile
            response.sendRedirect(request.getContextPath() + "/");
            return;
        }
        if (!isBackgroundRequest(request)) {
            session.setAttribute(LAST_USER_ACTION, now);
        }
        chain.doFilter(request, response);
    }

    /** A user action seen by the page (keyboard, pointer, touch, wheel), reported by {@link IdleWatch}. */
    static void userActed(HttpSession session, Clock clock) {
        if (session != null) {
            session.setAttribute(LAST_USER_ACTION, clock.millis());
        }
    }

    /** Heartbeats and push keep a tab connected; they are not a user's action. */
    static boolean isBackgroundRequest(HttpServletRequest request) {
        String type = request.getParameter("v-r");
        return "heartbeat".equals(type) || "push".equals(type);
    }

    private static void endSession(HttpServletRequest request, HttpSession session, String reason) {
        session.setAttribute(END_REASON, reason);
        session.invalidate();
        SecurityContextHolder.clearContext();
    }

    private static Optional<Authentication> signedIn() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken
                ? Optional.empty() : Optional.of(auth);
    }

    Duration idleTimeout() {
        return settings.idleTimeout();
    }
}
