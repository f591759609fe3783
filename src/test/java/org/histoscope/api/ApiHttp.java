package org.histoscope.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A plain HTTP client for the API as an integration sees it; remembers every request made, for coverage. */
final class ApiHttp {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    /** "METHOD /concrete/path" of every request sent by any ApiHttp in this JVM. */
    static final Set<String> SENT = ConcurrentHashMap.newKeySet();

    private final String baseUrl;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    String token() {
        return token;
    }

    ApiHttp(int port, String token) {
        this.baseUrl = "http://localhost:" + port;
        this.token = token;
    }

    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        boolean isProblem() {
            return contentType().startsWith("application/problem+json") && json().has("status")
                    && json().get("status").asInt() == status;
        }

        @Override
        public String toString() {
            return status + " " + contentType() + " " + (body.length < 2000 ? text() : body.length + " bytes");
        }
    }

    Response get(String path) {
        return send(builder(path).GET(), "GET", path);
    }

    Response get(String path, String header, String value) {
        return send(builder(path).header(header, value).GET(), "GET", path);
    }

    Response postJson(String path, Object body) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            return send(builder(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)), "POST", path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Response postRaw(String path, String contentType, byte[] body) {
        return send(builder(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), "POST", path);
    }

    /** A body of unknown length (sent chunked). */
    Response postStream(String path, String contentType, byte[] body) {
        return send(builder(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))),
                "POST", path);
    }

    Response postMultipart(String path, String fileName, byte[] content) {
        String boundary = "----histoscope" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        return postRaw(path, "multipart/form-data; boundary=" + boundary, body);
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(120));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request, String method, String path) {
        SENT.add(method + " " + path.replaceFirst("\\?.*$", ""));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
