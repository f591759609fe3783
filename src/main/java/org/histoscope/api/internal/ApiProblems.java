package org.histoscope.api.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;

/** RFC 9457 problem documents for what the security filters answer before any controller runs. */
@Component
class ApiProblems {

    static final String TYPE_BASE = "https://histoscope.invalid/problems/";

    private final ObjectMapper json;

    ApiProblems(ObjectMapper json) {
        this.json = json;
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + type));
        problem.setTitle(title);
        return problem;
    }

    void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException cause)
            throws IOException {
        boolean rejected = request.getAttribute(ApiTokenFilter.REJECTED_TOKEN) != null;
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, rejected
                ? "Bearer realm=\"histoscope\", error=\"invalid_token\", error_description=\"unknown, revoked or expired token\""
                : "Bearer realm=\"histoscope\"");
        write(request, response, problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", rejected
                ? "The API token is unknown, revoked or expired."
                : "Send an API token as 'Authorization: Bearer <token>'; browser sessions do not authenticate the API."));
    }

    void forbidden(HttpServletRequest request, HttpServletResponse response, AccessDeniedException cause)
            throws IOException {
        write(request, response, problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden",
                "This token's roles do not allow this request."));
    }

    void tooManyRequests(HttpServletResponse response, long retryAfterSeconds) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfterSeconds));
        write(null, response, problem(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", "Too many requests",
                "This token's request budget is spent; retry after " + retryAfterSeconds + " s."));
    }

    void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        if (request != null) {
            problem.setInstance(URI.create(request.getRequestURI()));
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
