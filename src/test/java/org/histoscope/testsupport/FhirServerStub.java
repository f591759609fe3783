package org.histoscope.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server (the JDK's) standing in for a hospital's FHIR server: it keeps every POST it receives and
 * answers a transaction-response Bundle, except once 503 for the first POST whose body contains a marker (so a
 * test sees the outbox retry). It does not interpret the Bundle: the test reads and validates what arrived.
 */
public final class FhirServerStub implements AutoCloseable {

    public record Received(String path, String authorization, String contentType, String body) {
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<String> failOnceMarkers = ConcurrentHashMap.newKeySet();

    public FhirServerStub(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/fhir", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                received.add(new Received(exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body));
                boolean fail = failOnceMarkers.removeIf(body::contains);
                byte[] answer = (fail ? "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
                        + "\"code\":\"transient\"}]}" : "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/fhir+json");
                exchange.sendResponseHeaders(fail ? 503 : 200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        });
    }

    public FhirServerStub start() {
        server.start();
        return this;
    }

    /** The first POST whose body contains this text is answered 503 Service Unavailable. */
    public void failOnceFor(String marker) {
        failOnceMarkers.add(marker);
    }

    public List<Received> received(String marker) {
        return received.stream().filter(r -> r.body().contains(marker)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
