package org.histoscope.users.internal;

import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.session.HttpSessionDestroyedEvent;
import org.histoscope.security.SessionLifetime;
import org.histoscope.security.LoginThrottledEvent;
import java.util.Map;
import org.histoscope.audit.AuditService;
import org.histoscope.users.LoginAttempts;
import org.histoscope.users.UserAuditAction;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationFailureDisabledEvent;
import org.springframework.security.authentication.event.AuthenticationFailureLockedEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Component;

/**
 * Turns Spring Security's authentication events into lockout counting and audit events. Spring Boot registers a
 * DefaultAuthenticationEventPublisher, so every form login publishes exactly one success or failure event; doing
 * the counting here keeps the standard DaoAuthenticationProvider untouched.
 */
@Component
public class AuthenticationAuditListener {

    private final LoginAttempts attempts;
    private final AuditService audit;
    private final boolean directoryConfigured;

    AuthenticationAuditListener(LoginAttempts attempts, AuditService audit,
                                ObjectProvider<LdapSignInConfiguration.LdapDirectory> ldap,
                                ObjectProvider<ClientRegistrationRepository> oidc) {
        this.attempts = attempts;
        this.audit = audit;
        this.directoryConfigured = ldap.getIfAvailable() != null || oidc.getIfAvailable() != null;
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        attempts.succeeded(event.getAuthentication().getName(), directoryConfigured);
    }

    /**
     * Failed logins are audited but not counted towards the account lock: they are throttled per address and
     * account instead (security.LoginThrottle), so that nobody can lock a colleague out by mistyping on purpose.
     * The actor is "anonymous": nobody proved who they are, and the typed name is only the target.
     */
    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        String attempted = LoginAttempts.clip(event.getAuthentication().getName());
        String reason = event instanceof AuthenticationFailureBadCredentialsEvent ? "bad credentials"
                : event instanceof AuthenticationFailureLockedEvent ? "account locked"
                : event instanceof AuthenticationFailureDisabledEvent ? "account disabled"
                : event.getException().getClass().getSimpleName();
        audit.recordAs(LoginAttempts.ANONYMOUS, UserAuditAction.LOGIN_FAILED, "USER", attempted,
                Map.of("reason", reason));
    }

    @EventListener
    void onThrottled(LoginThrottledEvent event) {
        audit.recordAs(LoginAttempts.ANONYMOUS, UserAuditAction.LOGIN_FAILED, "USER",
                LoginAttempts.clip(event.attemptedUsername()), Map.of("reason", "throttled: " + event.reason()));
    }

    /**
     * A session that ends other than by logging out (idle timeout, absolute lifetime, the container's expiry) is an
     * audit event too; a logout is recorded by {@link #onLogout}.
     */
    @EventListener
    void onSessionEnd(HttpSessionDestroyedEvent event) {
        Object reason;
        try {
            reason = event.getSession().getAttribute(SessionLifetime.END_REASON);
        } catch (IllegalStateException alreadyInvalid) {
            reason = null;
        }
        if ("logout".equals(reason)) {
            return;
        }
        String why = reason == null ? "session expired" : reason.toString();
        for (SecurityContext context : event.getSecurityContexts()) {
            if (context.getAuthentication() != null) {
                String username = context.getAuthentication().getName();
                audit.recordAs(username, UserAuditAction.SESSION_ENDED, "USER", username, Map.of("reason", why));
            }
        }
    }

    @EventListener
    void onLogout(LogoutSuccessEvent event) {
        String username = event.getAuthentication().getName();
        audit.recordAs(username, UserAuditAction.LOGOUT, "USER", username, Map.of());
    }
}
