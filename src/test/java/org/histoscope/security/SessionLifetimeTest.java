package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.histoscope.testsupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * What counts as a user action for the idle timeout, with the clock moved by hand: 1 minute idle, 12 h lifetime.
 * The browser test ({@code SessionTimeoutBrowserIT}) shows the same end to end with a real tab and heartbeat.
 */
class SessionLifetimeTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));
    final SessionLifetime filter = new SessionLifetime(
            new SecurityProperties.Session(Duration.ofMinutes(1), Duration.ofSeconds(20), Duration.ofHours(12)), clock);
    final MockHttpSession session = new MockHttpSession();

    @BeforeEach
    void signIn() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "idle.irene", "n/a", List.of(new SimpleGrantedAuthority("ROLE_PATHOLOGIST"))));
    }

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aViewPollingForJobProgressDoesNotKeepAnUnattendedSessionAlive() throws Exception {
        assertThat(send(page("/cases/7")).getStatus()).isEqualTo(200);
        for (int second = 2; second < 60; second += 2) {
            clock.advance(Duration.ofSeconds(2));
            assertThat(send(vaadin("uidl")).getStatus()).isEqualTo(200);
            if (second % 15 == 0) {
                assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(200);
            }
        }
        clock.advance(Duration.ofSeconds(2));
        MockHttpServletResponse poll = send(vaadin("uidl"));
        assertThat(session.isInvalid()).isTrue();
        assertThat(poll.getContentAsString()).contains("sessionExpired");
    }

    @Test
    void theHeartbeatOfAnAbandonedTabEndsItsSessionAndTellsVaadinItIsGone() throws Exception {
        send(page("/"));
        clock.advance(Duration.ofSeconds(59));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(410);
        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void actionsThePageReportsLateStillCountFromTheMomentTheyHappened() throws Exception {
        send(page("/"));
        clock.advance(Duration.ofSeconds(50));
        // the user clicked 10 s after the page load; the page's report of it was held back until now
        SessionLifetime.userActed(session, clock, Duration.ofSeconds(40).toMillis());
        clock.advance(Duration.ofSeconds(19));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(1));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(410);
    }

    @Test
    void anOlderReportDoesNotMoveTheLastActionBack() throws Exception {
        send(page("/"));
        clock.advance(Duration.ofSeconds(30));
        send(page("/cases"));
        SessionLifetime.userActed(session, clock, Duration.ofSeconds(25).toMillis());
        clock.advance(Duration.ofSeconds(59));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(200);
    }

    @Test
    void whatAPageFetchesByItselfIsNotAUserAction() throws Exception {
        send(page("/cases/7/images/3"));
        for (int second = 10; second < 60; second += 10) {
            clock.advance(Duration.ofSeconds(10));
            MockHttpServletRequest tile = page("/slides/3_files/12/4_5.jpeg");
            tile.addHeader("Sec-Fetch-Mode", "cors");
            send(tile);
            MockHttpServletRequest chunk = page("/VAADIN/build/indexhtml-abc.js");
            chunk.addHeader("Sec-Fetch-Mode", "no-cors");
            send(chunk);
        }
        clock.advance(Duration.ofSeconds(10));
        send(vaadin("heartbeat"));
        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void aNavigationIsAUserAction() throws Exception {
        send(page("/"));
        clock.advance(Duration.ofSeconds(50));
        MockHttpServletRequest navigation = page("/cases");
        navigation.addHeader("Sec-Fetch-Mode", "navigate");
        send(navigation);
        clock.advance(Duration.ofSeconds(50));
        assertThat(send(vaadin("heartbeat")).getStatus()).isEqualTo(200);
    }

    @Test
    void theTabsOwnTimerIsBelievedWhenTheServerHeardOfTheLastActionABitLater() throws Exception {
        send(page("/"));
        // the page's report of its last action took its time over the network
        clock.advance(Duration.ofMillis(800));
        SessionLifetime.userActed(session, clock, 0);
        clock.advance(Duration.ofMillis(59_400));
        MockHttpServletResponse timeout = send(page(SessionLifetime.TIMEOUT_PATH));
        assertThat(timeout.getRedirectedUrl()).isEqualTo("/login?timeout");
        assertThat(session.isInvalid()).isTrue();
    }

    @Test
    void aTabThatTimesOutWhileAnotherTabOfTheSessionIsInUseIsSentBackIn() throws Exception {
        send(page("/"));
        clock.advance(Duration.ofSeconds(30));
        SessionLifetime.userActed(session, clock, 0); // the other tab
        clock.advance(Duration.ofSeconds(30));
        MockHttpServletResponse timeout = send(page(SessionLifetime.TIMEOUT_PATH));
        assertThat(timeout.getRedirectedUrl()).isEqualTo("/");
        assertThat(session.isInvalid()).isFalse();
    }

    @Test
    void aBusySessionEndsAtItsAbsoluteLifetime() throws Exception {
        send(page("/"));
        for (int halfMinute = 1; halfMinute < 12 * 60 * 2; halfMinute++) {
            clock.advance(Duration.ofSeconds(30));
            send(page("/cases"));
        }
        assertThat(session.isInvalid()).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(send(page("/cases")).getRedirectedUrl()).isEqualTo("/login?expired");
        assertThat(session.isInvalid()).isTrue();
    }

    /** A GET without fetch metadata that asks for HTML; tests add headers to make it something else. */
    private MockHttpServletRequest page(String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.addHeader("Accept", "text/html,application/xhtml+xml");
        request.setSession(session);
        return request;
    }

    private MockHttpServletRequest vaadin(String type) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/");
        request.setParameter("v-r", type);
        request.setSession(session);
        return request;
    }

    private MockHttpServletResponse send(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response;
    }
}
