package org.histoscope.api.internal;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.http.HttpStatus;

final class Paging {

    static final int MAX_SIZE = 200;
    /** Deeper pages are refused, not overflowed: the persistence layer's row offset is an int. */
    static final long MAX_OFFSET = Integer.MAX_VALUE - MAX_SIZE;

    private Paging() {
    }

    static Pageable of(int page, int size) {
        if (page < 0 || size < 1 || size > MAX_SIZE) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid", "Invalid request",
                    "page must be 0 or more and size between 1 and " + MAX_SIZE + ".");
        }
        if ((long) page * size > MAX_OFFSET) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid", "Invalid request",
                    "page * size may be at most " + MAX_OFFSET + ".");
        }
        return PageRequest.of(page, size);
    }
}
