package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.histoscope.cases.CaseFilter;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
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
        return new IdempotentCreate<CaseSummary>("cases", () -> cases.findCaseByAccession(request.accessionNumber()),
                request::sameAs, existing -> "A case with accession number " + existing.accessionNumber()
                        + " already exists with other details (case " + existing.id() + ").", CaseSummary::id)
                .create(() -> {
                    if (request.patientId() != null && cases.findPatient(request.patientId()).isEmpty()) {
                        throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "invalid", "Invalid request",
                                "Patient " + request.patientId() + " does not exist.");
                    }
                    return cases.createCase(request.toForm());
                });
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
}
