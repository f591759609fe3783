package org.histoscope.testsupport;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A plain HTTP client against the running app (RANDOM_PORT) with its own cookie jar, that never follows
 * redirects, so tests can assert exactly where the security layer sends a request.
 */
public final class FormLoginClient {

    private final String baseUrl;
    private final HttpClient http;
    private final CookieManager cookies = new CookieManager();

    public FormLoginClient(int port) {
        this.baseUrl = "http://localhost:" + port;
        this.http = HttpClient.newBuilder()
                .cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A GET as a browser's page load (accepting HTML). */
    public HttpResponse<String> get(String path) {
        return get(path, "text/html,application/xhtml+xml");
    }

    public HttpResponse<String> get(String path, String accept) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Accept", accept)
                .GET().build());
    }

    /** A GET whose body is kept as bytes (images, tiles). */
    public HttpResponse<byte[]> getBytes(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Accept", "image/*,*/*")
                .GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("Request failed: " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts the login form as the browser does; returns the response (a redirect to the target or to /login?...). */
    public HttpResponse<String> login(String username, String password) {
        return postLogin(username, password, csrfToken());
    }

    /** The CSRF token of this client's session, as the login page's bootstrap HTML carries it. */
    public String csrfToken() {
        HttpResponse<String> page = get("/login");
        java.util.regex.Matcher token = java.util.regex.Pattern
                .compile("<meta name=\"_csrf\" content=\"([^\"]+)\"").matcher(page.body());
        if (!token.find()) {
            throw new IllegalStateException("The login page carries no CSRF token");
        }
        return token.group(1);
    }

    /** Posts the login form with the given CSRF token (null: without one). */
    public HttpResponse<String> postLogin(String username, String password, String csrf) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + (csrf == null ? "" : "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** Posts the login form with the CSRF token in the URL's query instead of the body. */
    public HttpResponse<String> postLoginWithTokenInUrl(String username, String password, String csrf) {
        String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/login?_csrf="
                        + URLEncoder.encode(csrf, StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** This client's session id (its JSESSIONID cookie), if it has one. */
    public String sessionId() {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
                .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
    }

    /** The Location header of a redirect, without the scheme/host part. */
    public static String redirectTarget(HttpResponse<?> response) {
        String location = response.headers().firstValue("Location").orElse("");
        return location.replaceFirst("^https?://[^/]+", "");
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
