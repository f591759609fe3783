package org.histoscope.security.internal;

import com.vaadin.flow.spring.security.VaadinWebSecurity;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.core.session.SessionRegistryImpl;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationFailureHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.session.HttpSessionEventPublisher;
import org.histoscope.security.DirectorySignInProvider;
import org.histoscope.security.LoginThrottle;
import org.histoscope.security.SecurityProperties;
import org.histoscope.security.SessionLifetime;
import org.histoscope.security.ui.LoginView;

/**
 * The browser UI's filter chain (Vaadin views, the login form, the health probe). Every view and endpoint needs a
 * login, except the login page and the health probe. This chain matches every request another, more specific
 * chain (such as an API chain with its own {@code securityMatcher} and a higher {@code @Order}) does not take.
 * Failed logins all get the same answer; the login POST must carry its CSRF token and passes the throttle first
 * ({@link LoginRequestFilter}); sessions end by {@link SessionLifetime}.
 */
@Configuration
@EnableWebSecurity
@EnableMethodSecurity(jsr250Enabled = true)
public class SecurityConfiguration extends VaadinWebSecurity {

    static final String LOGIN_PATH = "/login";
    static final String LOGIN_ERROR_URL = "/login?error";

    /**
     * As tight as Vaadin Flow's production mode allows (docs/security-and-audit.md): Flow's client compiles executeJs
     * calls and client-side expressions with {@code new Function} ('unsafe-eval'), the bootstrap page inlines its
     * start-up script ('unsafe-inline'; Vaadin stamps no nonces), and the theme sets inline styles. Everything else
     * is same-origin only, push included (CSP 3 'self' covers same-origin ws/wss). blob: and data: images carry
     * previews and heatmaps, blob: media the camera preview.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; "
            + "script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; font-src 'self' data:; "
            + "connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; "
            + "base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
    static final String PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()";

    private final SecurityProperties properties;
    private final LoginThrottle throttle;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final ObjectProvider<DirectorySignInProvider> directories;
    private final ObjectProvider<ClientRegistrationRepository> oidcProviders;

    SecurityConfiguration(SecurityProperties properties, LoginThrottle throttle, ApplicationEventPublisher events,
                          Clock clock, ObjectProvider<DirectorySignInProvider> directories,
                          ObjectProvider<ClientRegistrationRepository> oidcProviders) {
        this.directories = directories;
        this.oidcProviders = oidcProviders;
        this.properties = properties;
        this.throttle = throttle;
        this.events = events;
        this.clock = clock;
    }

    @Override
    protected void configure(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth
                .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                .requestMatchers(SessionLifetime.TIMEOUT_PATH).permitAll()
                // Spring Boot's error page: a failed request must get its status, not a redirect to the login
                .requestMatchers("/error").permitAll());
        super.configure(http);
        setLoginView(http, LoginView.class);
        http.formLogin(form -> form.failureHandler(new SimpleUrlAuthenticationFailureHandler(LOGIN_ERROR_URL)));
        // LDAP first; names it does not know (and local accounts' names) go on to the local accounts' provider
        directories.orderedStream().forEach(directory -> http.authenticationProvider(directory.provider()));
        if (oidcProviders.getIfAvailable() != null) {
            // The same session rules, audit and failure answer as the form login (the provider's page asks for
            // the password, so the login throttle is the provider's)
            http.oauth2Login(oidc -> oidc.loginPage(LOGIN_PATH)
                    .failureHandler(new SimpleUrlAuthenticationFailureHandler(LOGIN_ERROR_URL)));
        }
        http.addFilterBefore(new LoginRequestFilter(passwordEncoder(), throttle, events, LOGIN_PATH, LOGIN_ERROR_URL),
                UsernamePasswordAuthenticationFilter.class);
        http.addFilterAfter(new SessionLifetime(properties.session(), clock), SecurityContextHolderFilter.class);
        // A logout is audited as such; the session-end listener must not report it as a timeout as well
        http.logout(logout -> logout.addLogoutHandler((request, response, authentication) -> {
            var session = request.getSession(false);
            if (session != null) {
                session.setAttribute(SessionLifetime.END_REASON, "logout");
            }
        }));
        http.headers(headers -> headers
                .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN))
                .permissionsPolicyHeader(permissions -> permissions.policy(PERMISSIONS_POLICY))
                .frameOptions(frames -> frames.sameOrigin()));
        // No limit on parallel sessions; the registry lets an administrator's change end a user's sessions
        http.sessionManagement(sessions -> sessions
                .maximumSessions(-1)
                .sessionRegistry(sessionRegistry())
                .expiredUrl("/login"));
    }

    /**
     * The password is checked before the account's state, so a locked or disabled account is refused after the
     * same bcrypt work as a wrong password, and with the same answer.
     */
    @Bean
    DaoAuthenticationProvider authenticationProvider(UserDetailsService users) {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(passwordEncoder());
        provider.setPreAuthenticationChecks(user -> {
        });
        provider.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
        return provider;
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
