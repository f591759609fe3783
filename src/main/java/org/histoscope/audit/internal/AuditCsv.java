package org.histoscope.audit.internal;

import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.histoscope.audit.AuditEntry;

/** CSV lines (RFC 4180) for audit exports, neutralising cells a spreadsheet would run as formulas. */
public final class AuditCsv {

    public static final String HEADER =
            "id,occurred_at_utc,actor,action,target_type,target_id,case_id,details,client_address,hash\r\n";

    private AuditCsv() {
    }

    public static String line(AuditEntry e) {
        return Stream.of(String.valueOf(e.id()), e.occurredAt().toString(), e.actor(), e.action(), e.targetType(),
                        e.targetId(), e.caseId() == null ? "" : e.caseId().toString(), e.detailsJson(),
                        e.clientAddress(), e.hash())
                .map(AuditCsv::cell)
                .collect(Collectors.joining(",", "", "\r\n"));
    }

    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
