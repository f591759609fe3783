package org.histoscope.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.JavascriptExecutor;

/**
 * Runs axe-core (the static copy in {@code src/test/resources/axe}, injected into the page under test; the app never
 * serves it) on the current page, shadow roots of Vaadin's components included, and returns the violations of impact
 * serious or critical: WCAG 2.x A/AA rules and axe's best practices.
 */
public final class AxeCheck {

    private static final String AXE = "/axe/axe-4.14.1.min.js";
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
              .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
                  targets: v.nodes.slice(0, 4).map(n => JSON.stringify(n.target)).join(', '),
                  nodes: v.nodes.length}))))
              .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), targets: '', nodes: 0}]));""";

    private static String source;

    private AxeCheck() {
    }

    /** One violation: rule id, impact, what it asks, the first offending elements. */
    public record Violation(String rule, String impact, String help, String targets, long nodes) {
        @Override
        public String toString() {
            return impact + " " + rule + " (" + help + ") x" + nodes + ": " + targets;
        }
    }

    /** The serious and critical violations on the page as it is now. */
    @SuppressWarnings("unchecked")
    public static List<Violation> seriousViolations(VaadinPage page) {
        page.waitForVaadin();
        JavascriptExecutor js = (JavascriptExecutor) page.driver();
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe !== 'undefined';"))) {
            js.executeScript(axeSource());
        }
        List<Map<String, Object>> raw = (List<Map<String, Object>>) js.executeAsyncScript(RUN);
        List<Violation> serious = new ArrayList<>();
        for (Map<String, Object> v : raw) {
            String impact = String.valueOf(v.get("impact"));
            if (impact.equals("serious") || impact.equals("critical")) {
                serious.add(new Violation(String.valueOf(v.get("id")), impact, String.valueOf(v.get("help")),
                        String.valueOf(v.get("targets")), ((Number) v.get("nodes")).longValue()));
            }
        }
        return serious;
    }

    private static synchronized String axeSource() {
        if (source == null) {
            try (InputStream in = AxeCheck.class.getResourceAsStream(AXE)) {
                if (in == null) {
                    throw new IllegalStateException(AXE + " is missing from the test resources");
                }
                source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }
}
