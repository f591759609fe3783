package org.histoscope.audit;

import java.util.Optional;
import org.histoscope.platform.PeopleText;

/** Result of verifying the audit hash chain: how many rows were checked and the first broken one, if any. */
public record ChainVerification(long rowsChecked, Optional<Long> firstBrokenEventId, String message) {

    public boolean intact() {
        return firstBrokenEventId.isEmpty();
    }

    /**
     * The outcome for the audit view in its reader's language: the count when intact; otherwise the event and the
     * forensic detail ({@link #message()}, English, as the audit trail records it) for the auditor and IT.
     */
    public PeopleText text() {
        return intact() ? PeopleText.of("audit.chain.intact", rowsChecked)
                : PeopleText.of("audit.chain.broken", firstBrokenEventId.get(), message);
    }
}
