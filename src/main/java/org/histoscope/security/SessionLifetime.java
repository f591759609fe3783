package org.histoscope.security;

import com.vaadin.flow.server.VaadinService;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.histoscope.security.ui.IdleWatch;

/**
 * Ends signed-in sessions by the department's rules rather than by HTTP traffic: after {@code idleTimeout} without a
 * user action, and {@code absoluteLifetime} after sign-in however active.
 *
 * <p>Only two things count as a user action: a page the browser loads, and an action the page itself saw (keys,
 * pointer, touch, wheel), reported by {@link IdleWatch} with how long ago it happened. Vaadin's own requests never
 * count: heartbeats and push keep a tab connected, and a view that polls for job progress sends requests every two
 * seconds with nobody at the desk; nor do the scripts, images and tiles a page fetches by itself. The check runs on every request, heartbeats included, so an abandoned tab's
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
    /**
     * When a tab's own timer says the idle time is over, the server's last action may be a little later than the
     * page's: the report travelled over the network. Within this margin the tab is believed.
     */
    static final Duration TAB_TIMER_MARGIN = Duration.ofSeconds(5);

    private final SecurityProperties.Session settings;
    private final Clock clock;

    public SessionLifetime(SecurityProperties.Session settings, Clock clock) {
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
        long idleFor = now - (Long) session.getAttribute(LAST_USER_ACTION);
        long idleLimit = settings.idleTimeout().toMillis();
        if (timeoutPage) {
            idleLimit -= Math.min(TAB_TIMER_MARGIN.toMillis(), idleLimit / 10);
        }
        Optional<String> end = now - signedInAt >= settings.absoluteLifetime().toMillis() ? Optional.of(LIFETIME)
                : idleFor >= idleLimit ? Optional.of(IDLE) : Optional.empty();
        if (end.isPresent()) {
            endSession(session, end.get());
            answerEndedSession(request, response, end.get());
            return;
        }
        if (timeoutPage) {
            // The tab's script thinks the user is idle, but another tab of the same session was used meanwhile
            response.sendRedirect(request.getContextPath() + "/");
            return;
        }
        if (isPageLoad(request)) {
            session.setAttribute(LAST_USER_ACTION, now);
        }
        chain.doFilter(request, response);
    }

    /**
     * A user action seen by the page {@code idleForMillis} ago, reported by {@link IdleWatch}. The page measures
     * the time itself, so a report that was held back to save requests still stamps the moment of the action.
     */
    public static void userActed(HttpSession session, Clock clock, long idleForMillis) {
        if (session == null) {
            return;
        }
        long actedAt = clock.millis() - Math.max(0, idleForMillis);
        Long known = (Long) session.getAttribute(LAST_USER_ACTION);
        if (known == null || actedAt > known) {
            session.setAttribute(LAST_USER_ACTION, actedAt);
        }
    }

    /**
     * A page the browser loads because the user navigated. Not a user action: Vaadin's own requests (UIDL,
     * heartbeat, push: {@code v-r}), and what a page fetches by itself after it started (scripts, fonts, images,
     * slide tiles), which browsers mark with a {@code Sec-Fetch-Mode} other than {@code navigate}. Clients that do
     * not send fetch metadata count when they ask for HTML.
     */
    static boolean isPageLoad(HttpServletRequest request) {
        if (request.getParameter("v-r") != null || !"GET".equals(request.getMethod())) {
            return false;
        }
        String mode = request.getHeader("Sec-Fetch-Mode");
        if (mode != null) {
            return mode.equals("navigate");
        }
        String accept = request.getHeader("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** Each kind of request is told in the way its sender understands, so that a Vaadin tab reloads to sign-in. */
    private static void answerEndedSession(HttpServletRequest request, HttpServletResponse response, String reason)
            throws IOException {
        String type = request.getParameter("v-r");
        if ("heartbeat".equals(type)) {
            response.sendError(HttpServletResponse.SC_GONE);
        } else if ("uidl".equals(type)) {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(VaadinService.createSessionExpiredJSON(false));
        } else if (type != null) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
        } else {
            response.sendRedirect(request.getContextPath() + "/login?" + (reason.equals(IDLE) ? "timeout" : "expired"));
        }
    }

    private static void endSession(HttpSession session, String reason) {
        session.setAttribute(END_REASON, reason);
        session.invalidate();
        SecurityContextHolder.clearContext();
    }

    private static Optional<Authentication> signedIn() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken
                ? Optional.empty() : Optional.of(auth);
    }
}
