package org.histoscope.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.cases.CaseService;
import org.histoscope.review.ReviewDecision;
import org.histoscope.review.ReviewRequest;
import org.histoscope.review.ReviewSigningService;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignatureRejectedException;
import org.histoscope.security.Roles;
import org.histoscope.testsupport.ActingAs;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.testsupport.TestCases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * OpenID Connect sign-in against a real provider: a Spring Authorization Server started by this test on its own
 * port (http://localhost:port, a different cookie host from the application's http://127.0.0.1:port), with its own
 * accounts and sign-in page. The application sends the browser there, exchanges the code at its token endpoint
 * and checks the ID token's signature against its published keys: nothing is mocked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
class OidcSignInTest {

    private static final int APP_PORT = freePort();
    private static final int IDP_PORT = freePort();
    // Spring Authorization Server refuses "localhost" in redirect URIs (OAuth 2.1), so the application is addressed
    // as 127.0.0.1; the provider as localhost, so that the two keep their session cookies apart as they would in a
    // browser on two hosts
    private static final String APP = "http://127.0.0.1:" + APP_PORT;
    private static final String IDP = "http://localhost:" + IDP_PORT;
    /** What the provider puts in each person's "roles" claim; tests change it as a directory administrator would. */
    static final Map<String, List<String>> PROVIDER_GROUPS = new ConcurrentHashMap<>();
    private static ConfigurableApplicationContext provider;

    @Autowired
    UserAccountService accounts;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    SessionRegistry sessions;
    @Autowired
    ReviewSigningService reviews;
    @Autowired
    CaseService cases;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    JdbcTemplate jdbc;

    /**
     * The provider's endpoints are given rather than discovered from its issuer at start-up, because the provider
     * must start after the application: both share Spring Security's static SecurityContextHolder strategy in this
     * JVM, which the application (Vaadin) replaces while it starts; a provider started earlier would read its
     * signed-in user from the replaced strategy and lose it. (Production configuration uses issuer-uri discovery.)
     */
    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> APP_PORT);
        String registration = "spring.security.oauth2.client.registration.hospital-idp.";
        registry.add(registration + "client-id", () -> "histoscope");
        registry.add(registration + "client-secret", () -> "Histoscope-Client-Secret-1");
        registry.add(registration + "client-name", () -> "Hospital sign-in");
        registry.add(registration + "scope", () -> "openid,profile,email");
        registry.add(registration + "authorization-grant-type", () -> "authorization_code");
        registry.add(registration + "redirect-uri", () -> "{baseUrl}/login/oauth2/code/{registrationId}");
        String provider = "spring.security.oauth2.client.provider.hospital-idp.";
        registry.add(provider + "authorization-uri", () -> IDP + "/oauth2/authorize");
        registry.add(provider + "token-uri", () -> IDP + "/oauth2/token");
        registry.add(provider + "jwk-set-uri", () -> IDP + "/oauth2/jwks");
        registry.add("spring.security.oauth2.client.provider.hospital-idp.user-name-attribute",
                () -> "preferred_username");
        registry.add("histoscope.security.oidc.roles-claim", () -> "roles");
        registry.add("histoscope.security.oidc.claim-roles.histo-pathologists", () -> "PATHOLOGIST");
        registry.add("histoscope.security.oidc.claim-roles.histo-reviewers", () -> "REVIEWER");
        registry.add("histoscope.security.oidc.claim-roles.histo-admins", () -> "ADMIN");
    }

    @BeforeEach
    void providerRunsOnceTheApplicationDoes() {
        startProvider();
    }

    private static synchronized void startProvider() {
        if (provider != null) {
            return;
        }
        String client = "spring.security.oauth2.authorizationserver.client.histoscope.registration.";
        provider = new SpringApplicationBuilder(HospitalIdentityProvider.class).properties(
                "spring.config.name=hospital-idp-has-no-config-file",
                "spring.main.banner-mode=off",
                "spring.jmx.enabled=false",
                "server.port=" + IDP_PORT,
                "spring.security.oauth2.authorizationserver.issuer=" + IDP,
                client + "client-id=histoscope",
                client + "client-secret={noop}Histoscope-Client-Secret-1",
                client + "client-authentication-methods=client_secret_basic",
                client + "authorization-grant-types=authorization_code",
                client + "redirect-uris=" + APP + "/login/oauth2/code/hospital-idp",
                client + "scopes=openid,profile,email",
                "spring.security.oauth2.authorizationserver.client.histoscope.require-authorization-consent=false")
                .run();
    }

    @AfterAll
    static void stopProvider() {
        if (provider != null) {
            provider.close();
            provider = null;
        }
    }

    @Test
    void aPersonSignedInByTheProviderGetsTheRolesOfTheClaimAndTheProvidersName() {
        PROVIDER_GROUPS.put("olga", List.of("histo-pathologists", "histo-reviewers", "newsletter"));

        String landing = signInAtProvider(new Browser(), "olga", "Olga-At-The-Provider-1");

        assertThat(landing).isEqualTo(APP + "/");
        UserAccountSummary row = asAdmin(() -> accounts.find("olga")).orElseThrow();
        assertThat(row.source()).isEqualTo(AccountSource.OIDC);
        assertThat(row.fullName()).isEqualTo("Dr. Olga Uhlenhuth");
        assertThat(row.roles()).containsExactlyInAnyOrder(Roles.PATHOLOGIST, Roles.REVIEWER);
        assertThat(sessionRoles("olga")).containsExactlyInAnyOrder("ROLE_PATHOLOGIST", "ROLE_REVIEWER");
        assertThat(actionsOn("olga")).contains("DIRECTORY_USER_PROVISIONED", "LOGIN_SUCCEEDED");

        PROVIDER_GROUPS.put("olga", List.of("histo-reviewers"));
        assertThat(signInAtProvider(new Browser(), "olga", "Olga-At-The-Provider-1")).isEqualTo(APP + "/");
        assertThat(asAdmin(() -> accounts.find("olga")).orElseThrow().roles()).containsExactly(Roles.REVIEWER);
        assertThat(actionsOn("olga")).contains("DIRECTORY_USER_UPDATED");
    }

    @Test
    void noMappedRoleOrAnAccountDisabledHereIsRefused() {
        PROVIDER_GROUPS.put("piet", List.of("newsletter"));
        assertThat(signInAtProvider(new Browser(), "piet", "Piet-At-The-Provider-2")).isEqualTo(APP + "/login?error");
        assertThat(asAdmin(() -> accounts.find("piet"))).isEmpty();
        assertThat(asAdmin(() -> auditSearch.search(new AuditFilter(null, "DIRECTORY_SIGN_IN_REFUSED", "USER", "piet",
                null, null, null), 0, 1)).get(0).detailsJson()).contains("no directory group maps");

        PROVIDER_GROUPS.put("piet", List.of("histo-pathologists"));
        assertThat(signInAtProvider(new Browser(), "piet", "Piet-At-The-Provider-2")).isEqualTo(APP + "/");
        asAdmin(() -> accounts.setEnabled("piet", false));
        assertThat(signInAtProvider(new Browser(), "piet", "Piet-At-The-Provider-2")).isEqualTo(APP + "/login?error");
    }

    @Test
    void anOidcAccountSignsWithItsLocalSignaturePasswordWhichIsNoSignInPassword() {
        PROVIDER_GROUPS.put("fritz", List.of("histo-reviewers"));
        assertThat(signInAtProvider(new Browser(), "fritz", "Fritz-At-The-Provider-3")).isEqualTo(APP + "/");
        long prediction = resultToReview();

        // no signature password yet: the provider's password is not known here, so nothing signs
        assertThatThrownBy(() -> signAs("fritz", prediction, "Fritz-At-The-Provider-3"))
                .isInstanceOf(SignatureRejectedException.class);

        asAdmin(() -> accounts.resetPassword("fritz", "Temporary-Signature-Pass-4"));
        assertThat(asAdmin(() -> accounts.find("fritz")).orElseThrow().mustChangePassword()).isTrue();
        TestAccounts.runAs("fritz", Set.of(Roles.REVIEWER), () -> {
            accounts.changeOwnPassword("Temporary-Signature-Pass-4", "Fritz-Signs-With-This-5");
            return null;
        });

        assertThat(signAs("fritz", prediction, "Fritz-Signs-With-This-5").signerName()).isEqualTo("Fritz Feulgen");
        // ... and that password never signs anyone in: OIDC accounts sign in at their provider only
        FormLoginClient form = new FormLoginClient(APP_PORT);
        assertThat(FormLoginClient.redirectTarget(form.login("fritz", "Fritz-Signs-With-This-5")))
                .isEqualTo("/login?error");
    }

    /** Follows the browser's redirects from the application to the provider's sign-in page and back. */
    private static String signInAtProvider(Browser browser, String username, String password) {
        HttpResponse<String> response = browser.get(APP + "/oauth2/authorization/hospital-idp");
        for (int hop = 0; hop < 12; hop++) {
            String location = response.headers().firstValue("Location").orElse(null);
            if (location == null) {
                Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(response.body());
                assertThat(csrf.find()).as("the provider's sign-in page, got %s %d: %s", response.uri(),
                        response.statusCode(), response.body().substring(0, Math.min(600, response.body().length())))
                        .isTrue();
                response = browser.postForm(IDP + "/login", Map.of("username", username, "password", password,
                        "_csrf", csrf.group(1)));
                continue;
            }
            String absolute = URI.create(response.uri().toString()).resolve(location).toString();
            if (absolute.startsWith(APP) && !absolute.contains("/login/oauth2/code/")
                    && !absolute.contains("/oauth2/authorization/")) {
                return absolute;
            }
            response = browser.get(absolute);
        }
        throw new AssertionError("No way back to the application");
    }

    private long resultToReview() {
        return TestCases.resultToReview(cases, jdbc, transactions, events, "OI", 0.12, "normal");
    }

    private org.histoscope.review.SignedReview signAs(String reviewer, long predictionId, String password) {
        return ActingAs.user(reviewer, () -> reviews.sign(new ReviewRequest(predictionId, ReviewDecision.AGREE,
                "normal", "Benign breast tissue", null, SignatureMeaning.REVIEWED, null), password), Roles.REVIEWER);
    }

    private List<String> sessionRoles(String username) {
        return sessions.getAllPrincipals().stream()
                .filter(p -> p instanceof OidcUser user && user.getName().equals(username))
                .flatMap(p -> ((OidcUser) p).getAuthorities().stream()).map(a -> a.getAuthority())
                .filter(a -> a.startsWith("ROLE_")).distinct().toList();
    }

    private List<String> actionsOn(String username) {
        return asAdmin(() -> auditSearch.search(new AuditFilter(null, null, "USER", username, null, null, null),
                0, 100)).stream().map(AuditEntry::action).toList();
    }

    private static <T> T asAdmin(java.util.function.Supplier<T> work) {
        return TestAccounts.runAs("test-admin", Set.of(Roles.ADMIN), work);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A browser: its own cookie jar, redirects followed by the test so that each hop can be seen. */
    private static final class Browser {
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();

        HttpResponse<String> get(String url) {
            return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build());
        }

        HttpResponse<String> postForm(String url, Map<String, String> fields) {
            StringBuilder form = new StringBuilder();
            fields.forEach((name, value) -> form.append(form.isEmpty() ? "" : "&").append(name).append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
            return send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build());
        }

        private HttpResponse<String> send(HttpRequest request) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException("Request failed: " + request.uri(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The provider: Spring Boot's Authorization Server support (OIDC discovery, authorize, token, JWKS) and its
     * default sign-in page, with three people. Not a @Configuration, so neither the application's component scan
     * nor the test's configuration detection picks it up.
     */
    @ImportAutoConfiguration({
            org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration.class,
            org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration.class,
            org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration.class,
            org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration.class,
            org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration.class,
            org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration.class,
            org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration.class,
            org.springframework.boot.autoconfigure.security.servlet.SecurityFilterAutoConfiguration.class,
            org.springframework.boot.autoconfigure.security.oauth2.server.servlet
                    .OAuth2AuthorizationServerAutoConfiguration.class,
            org.springframework.boot.autoconfigure.security.oauth2.server.servlet
                    .OAuth2AuthorizationServerJwtAutoConfiguration.class})
    static class HospitalIdentityProvider {

        private static final Map<String, String> NAMES = Map.of("olga", "Dr. Olga Uhlenhuth",
                "piet", "Piet Pathologist", "fritz", "Fritz Feulgen");

        @Bean
        InMemoryUserDetailsManager people() {
            return new InMemoryUserDetailsManager(
                    User.withUsername("olga").password("{noop}Olga-At-The-Provider-1").roles("USER").build(),
                    User.withUsername("piet").password("{noop}Piet-At-The-Provider-2").roles("USER").build(),
                    User.withUsername("fritz").password("{noop}Fritz-At-The-Provider-3").roles("USER").build());
        }

        /** The ID token says who the person is and what the directory's groups say about them. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims() {
            return context -> {
                if (OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    String username = context.getPrincipal().getName();
                    context.getClaims().claim("preferred_username", username);
                    context.getClaims().claim("name", NAMES.getOrDefault(username, username));
                    context.getClaims().claim("roles", PROVIDER_GROUPS.getOrDefault(username, List.of()));
                }
            };
        }
    }
}
