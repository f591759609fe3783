package org.histoscope.cases;

/** Published inside the sign-out's transaction, so what listeners store commits (or rolls back) with it. */
public record CaseSignedOut(long caseId, String signedOutBy) {
}
