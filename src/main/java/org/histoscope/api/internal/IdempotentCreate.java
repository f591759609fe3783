package org.histoscope.api.internal;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.histoscope.cases.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * Create by natural key (a patient's MRN, a case's accession number) so that a retried request never makes a second
 * record: 201 with the new one; 200 with the existing one when its details are the same; 409 when they differ. A
 * concurrent create of the same key (the database's unique constraint) is answered as if it had come first.
 *
 * @param <T> the record returned
 */
record IdempotentCreate<T>(String collection, Supplier<Optional<T>> findExisting, Predicate<T> sameDetails,
                           Function<T, String> conflictMessage, ToLongFunction<T> idOf) {

    ResponseEntity<T> create(Supplier<T> create) {
        Optional<T> existing = findExisting.get();
        if (existing.isPresent()) {
            return sameOrConflict(existing.get());
        }
        try {
            T created = create.get();
            return ResponseEntity.created(location(created)).body(created);
        } catch (DuplicateKeyException raced) {
            return sameOrConflict(findExisting.get().orElseThrow(() -> raced));
        }
    }

    private ResponseEntity<T> sameOrConflict(T existing) {
        if (!sameDetails.test(existing)) {
            throw new ApiException(HttpStatus.CONFLICT, "duplicate", "Already exists", conflictMessage.apply(existing));
        }
        return ResponseEntity.ok().location(location(existing)).body(existing);
    }

    private URI location(T record) {
        return URI.create("/api/v1/" + collection + "/" + idOf.applyAsLong(record));
    }
}
