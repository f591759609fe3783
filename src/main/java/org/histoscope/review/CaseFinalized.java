package org.histoscope.review;

/**
 * Published inside the finalization's (or amendment's) transaction, so what listeners store (the report version and
 * its LIS message) commits or rolls back with it.
 */
public record CaseFinalized(FinalDiagnosis finalDiagnosis) {
}
