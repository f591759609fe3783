package org.histoscope.api;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.http.HttpStatus;

final class Paging {

    static final int MAX_SIZE = 200;

    private Paging() {
    }

    static Pageable of(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid", "Invalid request",
                    "page must be 0 or more and size between 1 and " + MAX_SIZE + ".");
        }
        return PageRequest.of(page, size);
    }
}
