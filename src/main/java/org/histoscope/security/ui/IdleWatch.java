package org.histoscope.security.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.ClientCallable;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServletRequest;
import java.time.Clock;
import java.time.Duration;
import org.histoscope.security.SecurityProperties;
import org.histoscope.security.SessionLifetime;

/**
 * Watches the page for user actions (keys, pointer, touch, wheel). It tells the server about them at most every
 * half minute, and once more after the last action of a burst, saying how long ago the action was, so that
 * {@link SessionLifetime} and the page agree on when the user last acted. It warns {@code idleWarning} before the idle timeout
 * with a countdown, and at the timeout sends the tab to {@value SessionLifetime#TIMEOUT_PATH}, where the server
 * ends the session unless another tab was used meanwhile. Added once per page by the main layout.
 */
@Tag("histoscope-idle-watch")
public class IdleWatch extends Component {

    private static final String SCRIPT = """
            const el = this, idleMs = $0, warnMs = $1, pingMs = $2, timeoutUrl = $3, stayLabel = $4, warningText = $5;
            if (window.__histoscopeIdle) { clearInterval(window.__histoscopeIdle.timer); }
            const state = { last: Date.now(), lastPing: Date.now(), warning: null, pending: null };
            const banner = () => {
              const b = document.createElement('div');
              b.id = 'idle-warning';
              b.setAttribute('role', 'alertdialog');
              b.style.cssText = 'position:fixed;left:50%;top:1em;transform:translateX(-50%);z-index:100000;'
                + 'background:var(--lumo-base-color,#fff);color:var(--lumo-body-text-color,#000);padding:1em 1.5em;'
                + 'border:2px solid var(--lumo-error-color,#c00);border-radius:8px;box-shadow:0 4px 16px rgba(0,0,0,.3)';
              const text = document.createElement('span');
              text.id = 'idle-warning-text';
              const stay = document.createElement('button');
              stay.id = 'idle-stay';
              stay.textContent = stayLabel;
              stay.style.marginLeft = '1em';
              b.append(text, stay);
              document.body.appendChild(b);
              return b;
            };
            const report = () => {
              state.pending = null;
              state.lastPing = Date.now();
              el.$server.userActive(Date.now() - state.last);
            };
            const acted = () => {
              const now = Date.now();
              state.last = now;
              if (state.warning) { state.warning.remove(); state.warning = null; }
              if (now - state.lastPing >= pingMs) { report(); }
              else if (!state.pending) { state.pending = setTimeout(report, pingMs - (now - state.lastPing)); }
            };
            ['keydown', 'pointerdown', 'wheel', 'touchstart'].forEach(t =>
              window.addEventListener(t, acted, { capture: true, passive: true }));
            const timer = setInterval(() => {
              const idle = Date.now() - state.last;
              if (idle >= idleMs) {
                clearInterval(timer);
                if (state.pending) { clearTimeout(state.pending); }
                window.location.assign(timeoutUrl);
              } else if (idle >= idleMs - warnMs) {
                if (!state.warning) { state.warning = banner(); }
                const left = Math.ceil((idleMs - idle) / 1000);
                state.warning.querySelector('#idle-warning-text').textContent =
                  warningText.replace('SECONDS_LEFT', String(left));
              }
            }, 1000);
            window.__histoscopeIdle = { timer };
            """;

    private final SecurityProperties.Session settings;
    private final Clock clock;

    public IdleWatch(SecurityProperties settings, Clock clock) {
        this.settings = settings.session();
        this.clock = clock;
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        long idle = settings.idleTimeout().toMillis();
        long warn = Math.min(settings.idleWarning().toMillis(), idle / 2);
        long ping = Math.max(1000, Math.min(Duration.ofSeconds(30).toMillis(), idle / 4));
        String timeoutUrl = attachEvent.getUI().getInternals().getContextRootRelativePath()
                + SessionLifetime.TIMEOUT_PATH.substring(1);
        // executeJs takes int, double, String, boolean or JSON arguments, not long
        getElement().executeJs(SCRIPT, (double) idle, (double) warn, (double) ping, timeoutUrl,
                getTranslation("idle.stay"), getTranslation("idle.warning", "SECONDS_LEFT"));
    }

    @ClientCallable
    void userActive(double idleForMillis) {
        if (VaadinRequest.getCurrent() instanceof VaadinServletRequest request) {
            SessionLifetime.userActed(request.getHttpServletRequest().getSession(false), clock, (long) idleForMillis);
        }
    }
}
