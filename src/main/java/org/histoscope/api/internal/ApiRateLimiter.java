package org.histoscope.api.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.histoscope.tokens.ApiCaller;
import org.springframework.stereotype.Component;

/**
 * One token bucket per API token (Bucket4j): its requests-per-minute may be spent in a burst and refill evenly
 * over the minute. Buckets live in this node's memory, so with N nodes a token gets at most N times its budget.
 */
@Component
class ApiRateLimiter {

    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();

    record Decision(boolean allowed, long remaining, long retryAfterSeconds) {
    }

    Decision tryAcquire(ApiCaller caller) {
        int perMinute = caller.requestsPerMinute();
        Bucket bucket = buckets.computeIfAbsent(caller.tokenId(), id -> Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                .build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return new Decision(true, probe.getRemainingTokens(), 0);
        }
        long waitSeconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return new Decision(false, 0, waitSeconds);
    }
}
