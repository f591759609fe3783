package org.histoscope.audit;

import java.io.Writer;
import java.util.List;

/** Reading the audit log for the audit view and exports; only administrators and reviewers may. */
public interface AuditSearch {

    /** Matching events, newest first. */
    List<AuditEntry> search(AuditFilter filter, long offset, int limit);

    long count(AuditFilter filter);

    /** The action codes that occur in the log, for a filter picker. */
    List<String> knownActions();

    /** Writes every matching event as CSV (UTF-8 text, header line first), newest first. */
    void exportCsv(AuditFilter filter, Writer out);
}
