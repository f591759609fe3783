package org.histoscope.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.Optional;
import org.histoscope.cases.CaseFilter;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/cases")
@Tag(name = "Cases")
class CasesController {

    private final CaseService cases;

    CasesController(CaseService cases) {
        this.cases = cases;
    }

    @PostMapping
    @Operation(summary = "Create a case, or return the existing one with this accession number",
            description = "201 with the new case; 200 when the accession number exists for the same patient and "
                    + "specimen (a retried request never makes a second one); 409 when it exists with other details.")
    ResponseEntity<CaseSummary> create(@RequestBody CaseRequest request) {
        Optional<CaseSummary> existing = cases.findCaseByAccession(request.accessionNumber());
        if (existing.isPresent()) {
            return sameOrConflict(request, existing.get());
        }
        if (request.patientId() != null && cases.findPatient(request.patientId()).isEmpty()) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid", "Invalid request",
                    "Patient " + request.patientId() + " does not exist.");
        }
        try {
            CaseSummary created = cases.createCase(request.toForm());
            return ResponseEntity.created(URI.create("/api/v1/cases/" + created.id())).body(created);
        } catch (DuplicateKeyException raced) {
            return sameOrConflict(request, cases.findCaseByAccession(request.accessionNumber()).orElseThrow(() -> raced));
        }
    }

    @GetMapping
    @Operation(summary = "Search cases by accession number, MRN or patient name, and status")
    ApiPage<CaseSummary> search(@RequestParam(required = false) String q,
                                @RequestParam(required = false) CaseStatus status,
                                @RequestParam(defaultValue = "0") int page,
                                @RequestParam(defaultValue = "50") int size) {
        CaseFilter filter = new CaseFilter(q, status);
        return new ApiPage<>(cases.searchCases(filter, Paging.of(page, size)), page, size, cases.countCases(filter));
    }

    @GetMapping("/{caseId}")
    @Operation(summary = "Read a case")
    CaseSummary get(@PathVariable long caseId) {
        return cases.findCase(caseId).orElseThrow(() -> ApiException.notFound("Case " + caseId));
    }

    private static ResponseEntity<CaseSummary> sameOrConflict(CaseRequest request, CaseSummary existing) {
        if (!request.sameAs(existing)) {
            throw new ApiException(HttpStatus.CONFLICT, "duplicate", "Already exists", "A case with accession number "
                    + existing.accessionNumber() + " already exists with other details (case " + existing.id() + ").");
        }
        return ResponseEntity.ok().location(URI.create("/api/v1/cases/" + existing.id())).body(existing);
    }
}
