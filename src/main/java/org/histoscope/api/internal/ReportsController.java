package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.reports.CaseReportFile;
import org.histoscope.reports.CaseReportService;
import org.histoscope.reports.CaseReportVersion;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
@Tag(name = "Case reports")
class ReportsController {

    private final CaseReportService reports;
    private final CaseService cases;

    ReportsController(CaseReportService reports, CaseService cases) {
        this.reports = reports;
        this.cases = cases;
    }

    @GetMapping("/api/v1/cases/{caseId}/reports")
    @Operation(summary = "The signed report versions of a case (1 at sign-out, one more per amendment), with SHA-256")
    List<CaseReportVersion> versions(@PathVariable long caseId) {
        requireCase(caseId);
        return reports.versions(caseId);
    }

    @GetMapping(path = "/api/v1/cases/{caseId}/report", produces = MediaType.APPLICATION_PDF_VALUE)
    @Operation(summary = "The newest signed report (PDF); 404 before sign-out. Repr-Digest carries its SHA-256")
    ResponseEntity<byte[]> latest(@PathVariable long caseId) {
        CaseSummary owner = requireCase(caseId);
        return pdf(owner, reports.downloadLatest(caseId)
                .orElseThrow(() -> ApiException.notFound("A signed report of case " + caseId)));
    }

    @GetMapping(path = "/api/v1/cases/{caseId}/reports/{version}", produces = MediaType.APPLICATION_PDF_VALUE)
    @Operation(summary = "One version of the signed report (PDF)")
    ResponseEntity<byte[]> version(@PathVariable long caseId, @PathVariable int version) {
        CaseSummary owner = requireCase(caseId);
        return pdf(owner, reports.download(caseId, version)
                .orElseThrow(() -> ApiException.notFound("Version " + version + " of the report of case " + caseId)));
    }

    private CaseSummary requireCase(long caseId) {
        return cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
    }

    private static ResponseEntity<byte[]> pdf(CaseSummary owner, CaseReportFile file) {
        String sha256 = file.version().sha256();
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_PDF)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(file.fileName(owner.accessionNumber())).build().toString())
                .header("Repr-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256)) + ":")
                .eTag("\"" + sha256 + "\"")
                .body(file.pdf());
    }
}
