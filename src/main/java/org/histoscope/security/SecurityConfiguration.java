package org.histoscope.security;

import com.vaadin.flow.spring.security.VaadinWebSecurity;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.springframework.security.web.authentication.ExceptionMappingAuthenticationFailureHandler;

/**
 * Every view and endpoint needs a login, except the login page and the health probe. Failed logins are counted
 * by the users feature from Spring Security's authentication events (see users.AuthenticationAuditListener);
 * a locked account is refused before its password is checked and the login page says so.
 */
@Configuration
@EnableWebSecurity
@EnableMethodSecurity(jsr250Enabled = true)
public class SecurityConfiguration extends VaadinWebSecurity {

    static final String LOGIN_ERROR_URL = "/login?error";
    static final String LOGIN_LOCKED_URL = "/login?locked";

    @Override
    protected void configure(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                // Spring Boot's error page: a failed request must get its status, not a redirect to the login
                .requestMatchers("/error").permitAll());
        super.configure(http);
        setLoginView(http, LoginView.class);
        http.formLogin(form -> form.failureHandler(loginFailureHandler()));
        // No limit on parallel sessions; the registry lets an administrator's change end a user's sessions
        http.sessionManagement(sessions -> sessions
                .maximumSessions(-1)
                .sessionRegistry(sessionRegistry())
                .expiredUrl("/login"));
    }

    @Bean
    SessionRegistry sessionRegistry() {
        return new SessionRegistryImpl();
    }

    /** Tells the session registry when the servlet container drops a session (timeout, logout). */
    @Bean
    static HttpSessionEventPublisher httpSessionEventPublisher() {
        return new HttpSessionEventPublisher();
    }

    private static ExceptionMappingAuthenticationFailureHandler loginFailureHandler() {
        ExceptionMappingAuthenticationFailureHandler handler = new ExceptionMappingAuthenticationFailureHandler();
        handler.setDefaultFailureUrl(LOGIN_ERROR_URL);
        // A disabled account gets the generic message: it should not learn that it still exists
        handler.setExceptionMappings(Map.of(
                LockedException.class.getName(), LOGIN_LOCKED_URL,
                DisabledException.class.getName(), LOGIN_ERROR_URL));
        return handler;
    }

    /**
     * New hashes are {bcrypt-sha256} (bcrypt that honours passwords longer than bcrypt's 72 bytes); plain {bcrypt}
     * and {pbkdf2@SpringSecurity_v5_8} hashes, e.g. imported ones, still verify by their {id} prefix.
     */
    @Bean
    PasswordEncoder passwordEncoder() {
        Map<String, PasswordEncoder> encoders = Map.of(
                Sha256BcryptPasswordEncoder.ID, new Sha256BcryptPasswordEncoder(),
                "bcrypt", new BCryptPasswordEncoder(),
                "pbkdf2@SpringSecurity_v5_8", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8());
        return new DelegatingPasswordEncoder(Sha256BcryptPasswordEncoder.ID, encoders);
    }
}
