package org.histoscope.api.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.histoscope.platform.Unguarded;

/**
 * Errors under /api that arise before any API controller is chosen (no such path, wrong method or media type, an
 * oversize or broken multipart body): answered as problem documents too, not as the servlet container's error page.
 */
@Component
@Unguarded("called by Spring MVC for a failed API request; it only writes the problem document")
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiErrorResolver implements HandlerExceptionResolver {

    private final ApiProblems problems;

    ApiErrorResolver(ApiProblems problems) {
        this.problems = problems;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception e) {
        if (!request.getRequestURI().startsWith("/api/") && !request.getRequestURI().startsWith("/fhir/")) {
            return null;
        }
        ProblemDetail problem;
        if (e instanceof NoResourceFoundException) {
            problem = ApiProblems.problem(HttpStatus.NOT_FOUND, "not-found", "Not found",
                    "There is no API operation " + request.getMethod() + " " + request.getRequestURI() + ".");
        } else if (e instanceof HttpRequestMethodNotSupportedException unsupported) {
            problem = ApiProblems.problem(HttpStatus.METHOD_NOT_ALLOWED, "method-not-allowed", "Method not allowed",
                    request.getMethod() + " is not allowed here.");
            if (unsupported.getSupportedHttpMethods() != null) {
                response.setHeader(HttpHeaders.ALLOW, String.join(", ",
                        unsupported.getSupportedHttpMethods().stream().map(Object::toString).toList()));
            }
        } else if (e instanceof HttpMediaTypeNotSupportedException) {
            problem = ApiProblems.problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                    "Unsupported media type", "This operation does not accept " + request.getContentType() + ".");
        } else if (e instanceof HttpMediaTypeNotAcceptableException) {
            problem = ApiProblems.problem(HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable",
                    "This operation cannot answer in the requested media type.");
        } else if (e instanceof MaxUploadSizeExceededException) {
            problem = ApiProblems.problem(HttpStatus.PAYLOAD_TOO_LARGE, "too-large", "Upload too large",
                    "The upload is larger than the upload limit.");
        } else if (e instanceof MultipartException) {
            problem = ApiProblems.problem(HttpStatus.BAD_REQUEST, "unreadable", "Unreadable request",
                    "The multipart body could not be read.");
        } else {
            return null;
        }
        try {
            problems.write(request, response, problem);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        return new ModelAndView();
    }
}
