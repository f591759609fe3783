package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import org.histoscope.audit.AuditEntry;
import org.histoscope.audit.AuditFilter;
import org.histoscope.audit.AuditSearch;
import org.histoscope.audit.AuditService;
import org.histoscope.audit.ChainVerification;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Audit")
class AuditController {

    private final AuditSearch search;
    private final AuditService audit;

    AuditController(AuditSearch search, AuditService audit) {
        this.search = search;
        this.audit = audit;
    }

    @GetMapping("/api/v1/audit/events")
    @Operation(summary = "Search the audit log, newest first (from inclusive, to exclusive, ISO-8601 UTC)")
    ApiPage<AuditEntry> events(@RequestParam(required = false) String actor,
                               @RequestParam(required = false) String action,
                               @RequestParam(required = false) String targetType,
                               @RequestParam(required = false) String targetId,
                               @RequestParam(required = false) Long caseId,
                               @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant from,
                               @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant to,
                               @RequestParam(defaultValue = "0") int page,
                               @RequestParam(defaultValue = "50") int size) {
        Paging.of(page, size);
        AuditFilter filter = new AuditFilter(actor, action, targetType, targetId, caseId, from, to);
        return new ApiPage<>(search.search(filter, (long) page * size, size), page, size, search.count(filter));
    }

    @GetMapping("/api/v1/audit/verification")
    @Operation(summary = "Verify the whole hash chain; reports the first broken event, if any")
    ChainVerification verify() {
        return audit.verifyChain();
    }
}
