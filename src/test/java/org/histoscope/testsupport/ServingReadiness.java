package org.histoscope.testsupport;

import java.util.Map;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Registered for every test application (META-INF/spring.factories): writes down what the database held at the
 * moment the HTTP port opened, so a test can check that nothing was served before the application was ready.
 */
public class ServingReadiness implements ApplicationListener<WebServerInitializedEvent> {

    /** What existed when the port opened. */
    public record AtFirstRequest(int port, long accounts, long activeModels) {
    }

    private static final Map<Object, AtFirstRequest> BY_CONTEXT =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        try {
            JdbcTemplate jdbc = new JdbcTemplate(event.getApplicationContext().getBean(javax.sql.DataSource.class));
            BY_CONTEXT.put(event.getApplicationContext(), new AtFirstRequest(event.getWebServer().getPort(),
                    jdbc.queryForObject("SELECT count(*) FROM app_user", Long.class),
                    jdbc.queryForObject("SELECT count(*) FROM registered_model WHERE status = 'ACTIVE'", Long.class)));
        } catch (RuntimeException e) {
            BY_CONTEXT.put(event.getApplicationContext(), new AtFirstRequest(event.getWebServer().getPort(), -1, -1));
        }
    }

    public static AtFirstRequest of(org.springframework.context.ApplicationContext context) {
        return BY_CONTEXT.get(context);
    }
}
