package org.histoscope.users;

import java.util.Map;
import org.histoscope.audit.AuditService;
import org.springframework.context.event.EventListener;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationFailureDisabledEvent;
import org.springframework.security.authentication.event.AuthenticationFailureLockedEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.authentication.event.LogoutSuccessEvent;
import org.springframework.stereotype.Component;

/**
 * Turns Spring Security's authentication events into lockout counting and audit events. Spring Boot registers a
 * DefaultAuthenticationEventPublisher, so every form login publishes exactly one success or failure event; doing
 * the counting here keeps the standard DaoAuthenticationProvider untouched.
 */
@Component
class AuthenticationAuditListener {

    private final LoginAttempts attempts;
    private final AuditService audit;

    AuthenticationAuditListener(LoginAttempts attempts, AuditService audit) {
        this.attempts = attempts;
        this.audit = audit;
    }

    @EventListener
    void onSuccess(AuthenticationSuccessEvent event) {
        attempts.succeeded(event.getAuthentication().getName());
    }

    @EventListener
    void onFailure(AbstractAuthenticationFailureEvent event) {
        String attempted = event.getAuthentication().getName();
        if (event instanceof AuthenticationFailureBadCredentialsEvent) {
            attempts.failed(attempted, UserAuditAction.LOGIN_FAILED, "bad credentials");
            return;
        }
        String reason = event instanceof AuthenticationFailureLockedEvent ? "account locked"
                : event instanceof AuthenticationFailureDisabledEvent ? "account disabled"
                : event.getException().getClass().getSimpleName();
        audit.recordAs(LoginAttempts.clip(attempted), UserAuditAction.LOGIN_FAILED, "USER",
                LoginAttempts.clip(attempted), Map.of("reason", reason));
    }

    @EventListener
    void onLogout(LogoutSuccessEvent event) {
        String username = event.getAuthentication().getName();
        audit.recordAs(username, UserAuditAction.LOGOUT, "USER", username, Map.of());
    }
}
