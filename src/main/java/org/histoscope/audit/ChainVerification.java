package org.histoscope.audit;

import java.util.Optional;

/** Result of verifying the audit hash chain: how many rows were checked and the first broken one, if any. */
public record ChainVerification(long rowsChecked, Optional<Long> firstBrokenEventId, String message) {

    public boolean intact() {
        return firstBrokenEventId.isEmpty();
    }
}
