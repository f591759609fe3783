package org.histoscope.cases;

/** Search text (accession, MRN or patient name, case-insensitive) and an optional status; nulls mean "any". */
public record CaseFilter(String text, CaseStatus status) {

    public static CaseFilter any() {
        return new CaseFilter(null, null);
    }
}
