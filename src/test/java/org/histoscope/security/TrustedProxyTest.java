package org.histoscope.security;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.autoconfigure.web.embedded.TomcatWebServerFactoryCustomizer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServer;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * Who may name the client's address: a real Tomcat configured from the shipped application.yml the way Spring Boot
 * configures the application's, with the documented proxy setting {@code SERVER_FORWARD_HEADERS_STRATEGY=native}.
 * Tomcat's own default trusts X-Forwarded-For from every loopback and private address, so an attacker on the
 * intranet could write any address into the audit trail and rotate it past the login throttle.
 */
class TrustedProxyTest {

    @Test
    void aForwardedAddressFromLoopbackIsIgnoredUnlessThatProxyIsConfigured() throws Exception {
        assertThat(addressSeenBehind(Map.of())).as("no proxy configured").isEqualTo("127.0.0.1");
        assertThat(addressSeenBehind(Map.of("HISTOSCOPE_TRUSTED_PROXIES", "10\\.0\\.0\\.5")))
                .as("another proxy configured").isEqualTo("127.0.0.1");
        assertThat(addressSeenBehind(Map.of("HISTOSCOPE_TRUSTED_PROXIES", "127\\.0\\.0\\.1")))
                .as("this proxy configured").isEqualTo("203.0.113.9");
    }

    /** The client address a servlet sees for a request from loopback that claims to forward 203.0.113.9. */
    private static String addressSeenBehind(Map<String, Object> settings) throws Exception {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "server.forward-headers-strategy", "native")));
        environment.getPropertySources().addFirst(new MapPropertySource("settings", settings));
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(source -> environment.getPropertySources().addLast(source));
        ServerProperties server = Binder.get(environment).bind("server", ServerProperties.class).get();
        TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory(0);
        new TomcatWebServerFactoryCustomizer(environment, server).customize(factory);
        WebServer tomcat = factory.getWebServer(context -> context.addServlet("echo", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.getWriter().write(request.getRemoteAddr());
            }
        }).addMapping("/"));
        tomcat.start();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.getPort() + "/"))
                    .header("X-Forwarded-For", "203.0.113.9").GET().build();
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            tomcat.stop();
        }
    }
}
