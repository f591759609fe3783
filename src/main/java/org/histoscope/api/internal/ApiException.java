package org.histoscope.api.internal;

import org.springframework.http.HttpStatus;

/** An API-level refusal (not found, payload too large, ...) answered as a problem document. */
class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String title;

    ApiException(HttpStatus status, String type, String title, String detail) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
    }

    static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not-found", "Not found", what + " does not exist.");
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }
}
