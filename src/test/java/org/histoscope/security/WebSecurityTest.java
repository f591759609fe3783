package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.vaadin.flow.router.RouteData;
import com.vaadin.flow.server.VaadinServlet;
import com.vaadin.flow.server.VaadinServletContext;
import com.vaadin.flow.server.auth.AccessAnnotationChecker;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.startup.ApplicationRouteRegistry;
import jakarta.servlet.ServletContext;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.util.List;
import java.util.Set;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.audit.ui.AuditView;
import org.histoscope.testsupport.FormLoginClient;
import org.histoscope.testsupport.TestAccounts;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.ui.UserAdministrationView;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.test.context.support.WithMockUser;

/** The running application over real HTTP: what an anonymous user and a pathologist can and cannot reach. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSecurityTest {

    @LocalServerPort
    int port;
    @Autowired
    ServletContext servletContext;
    @Autowired
    UserAccountService accounts;
    @Autowired
    AuditSearch auditSearch;
    @Autowired
    AccessAnnotationChecker accessChecker;
    @Autowired
    SecurityProperties securityProperties;
    @Autowired
    List<ServletRegistrationBean<?>> servletRegistrations;
    @org.springframework.beans.factory.annotation.Value("${server.servlet.session.timeout}")
    java.time.Duration sessionTimeout;

    @Test
    void everyRegisteredRouteRedirectsAnonymousUsersToTheLogin() {
        List<RouteData> routes = ApplicationRouteRegistry.getInstance(new VaadinServletContext(servletContext))
                .getRegisteredRoutes();
        assertThat(routes).extracting(RouteData::getTemplate).contains("", "admin/users", "audit", "account/password");

        FormLoginClient anonymous = new FormLoginClient(port);
        int checked = 0;
        for (RouteData route : routes) {
            if (route.getNavigationTarget().isAnnotationPresent(AnonymousAllowed.class)) {
                continue;
            }
            List<String> templates = new java.util.ArrayList<>(List.of(route.getTemplate()));
            route.getRouteAliases().forEach(alias -> templates.add(alias.getTemplate()));
            for (String template : templates) {
                String path = "/" + template.replaceAll(":[^/]+", "1");
                HttpResponse<String> response = anonymous.get(path);
                assertThat(response.statusCode()).as("GET %s", path).isEqualTo(302);
                assertThat(FormLoginClient.redirectTarget(response)).as("GET %s", path).isEqualTo("/login");
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(4);
    }

    @Test
    void loginPageAndHealthAreOpenButHealthShowsNoDetailsAnonymously() {
        FormLoginClient anonymous = new FormLoginClient(port);
        assertThat(anonymous.get("/login").statusCode()).isEqualTo(200);
        HttpResponse<String> health = anonymous.get("/actuator/health", "application/json");
        assertThat(health.statusCode()).as("%s -> %s", health.headers().map(), health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("db");
        assertThat(anonymous.get("/actuator/health/liveness", "*/*").statusCode()).isEqualTo(200);
        // A health request the endpoint cannot answer gets its error status, not a login redirect
        assertThat(anonymous.get("/actuator/health", "text/html").statusCode()).isEqualTo(406);
        assertThat(anonymous.get("/actuator/env", "application/json").statusCode()).isIn(302, 401, 403, 404);
    }

    @Test
    void aPathologistIsRefusedTheAdministrationViewsAndServices() {
        TestAccounts.createReadyUser(accounts, "patricia", "Slides-Under-The-Scope-9", Roles.PATHOLOGIST);
        Principal pathologist = () -> "patricia";
        assertThat(accessChecker.hasAccess(UserAdministrationView.class, pathologist, Set.of(Roles.PATHOLOGIST)::contains))
                .isFalse();
        assertThat(accessChecker.hasAccess(AuditView.class, pathologist, Set.of(Roles.PATHOLOGIST)::contains))
                .isFalse();
        assertThat(accessChecker.hasAccess(UserAdministrationView.class, pathologist, Set.of(Roles.ADMIN)::contains))
                .isTrue();

        TestAccounts.runAs("patricia", Set.of(Roles.PATHOLOGIST), () -> {
            assertThatThrownBy(() -> accounts.search("", 0, 10)).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> accounts.unlock("patricia")).isInstanceOf(AccessDeniedException.class);
            assertThatThrownBy(() -> auditSearch.count(AuditFilter.none())).isInstanceOf(AccessDeniedException.class);
            return null;
        });

        FormLoginClient browser = new FormLoginClient(port);
        HttpResponse<String> login = browser.login("patricia", "Slides-Under-The-Scope-9");
        assertThat(FormLoginClient.redirectTarget(login)).doesNotContain("error");
    }

    @Test
    void idleSessionsExpireDespiteTheVaadinHeartbeat() {
        FormLoginClient anonymous = new FormLoginClient(port);
        anonymous.get("/login");
        VaadinServlet servlet = servletRegistrations.stream()
                .map(ServletRegistrationBean::getServlet)
                .filter(VaadinServlet.class::isInstance).map(VaadinServlet.class::cast)
                .findFirst().orElseThrow();
        assertThat(servlet.getService().getDeploymentConfiguration().isCloseIdleSessions()).isTrue();
        // The container's timeout is only a backstop; the idle timeout and the lifetime are Histoscope's own
        assertThat(securityProperties.session().idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(30));
        assertThat(securityProperties.session().absoluteLifetime()).isEqualTo(java.time.Duration.ofHours(12));
        assertThat(sessionTimeout).isGreaterThanOrEqualTo(securityProperties.session().absoluteLifetime());
    }

    @Test
    @WithMockUser(username = "someone", roles = "REVIEWER")
    void aReviewerMayNotAdministerUsers() {
        assertThatThrownBy(() -> accounts.count("")).isInstanceOf(AccessDeniedException.class);
    }
}
