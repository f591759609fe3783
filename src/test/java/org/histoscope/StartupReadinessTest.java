package org.histoscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.histoscope.testsupport.ServingReadiness;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Issue 24 item 10: /login answered 26 s before the administrator existed and the models were registered, and an
 * instance that then refused to start had served /login for 3 s. The port now opens only after that work.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StartupReadinessTest {

    @Autowired
    ApplicationContext context;

    @Test
    void thePortOpensOnlyOnceTheAdministratorExistsAndAModelIsActive() {
        ServingReadiness.AtFirstRequest atOpening = ServingReadiness.of(context);
        assertThat(atOpening).as("the web server was started").isNotNull();
        assertThat(atOpening.accounts()).as("accounts when the port opened").isPositive();
        assertThat(atOpening.activeModels()).as("active models when the port opened").isOne();
    }

    @Test
    void anInstanceThatRefusesToStartNeverOpenedItsPort() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<Integer> opened = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> new SpringApplicationBuilder(HistoscopeApplication.class)
                .listeners((ApplicationListener<WebServerInitializedEvent>) e -> opened.add(e.getWebServer().getPort()))
                .run("--server.port=" + port, "--histoscope.security.initial-admin-password=too-short")
                .close())
                .hasStackTraceContaining("does not meet the password policy");
        assertThat(opened).as("ports that answered before the start was refused").isEmpty();
    }
}
