package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.PatientSummary;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/patients")
@Tag(name = "Patients")
class PatientsController {

    private final CaseService cases;

    PatientsController(CaseService cases) {
        this.cases = cases;
    }

    @PostMapping
    @Operation(summary = "Create a patient, or return the existing one with this MRN",
            description = "201 with the new patient; 200 when a patient with this MRN and the same details exists "
                    + "(a retried request never makes a second one); 409 when the MRN exists with other details.")
    ResponseEntity<PatientSummary> create(@RequestBody PatientRequest request) {
        return new IdempotentCreate<PatientSummary>("patients", () -> cases.findPatientByMrn(request.mrn()),
                request::sameAs, existing -> "A patient with MRN " + existing.mrn()
                        + " already exists with other details (patient " + existing.id() + ").", PatientSummary::id)
                .create(() -> cases.createPatient(request.toForm()));
    }

    @GetMapping
    @Operation(summary = "Search patients by MRN or name")
    ApiPage<PatientSummary> search(@RequestParam(required = false) String q,
                                   @RequestParam(defaultValue = "0") int page,
                                   @RequestParam(defaultValue = "50") int size) {
        return new ApiPage<>(cases.searchPatients(q, Paging.of(page, size)), page, size, cases.countPatients(q));
    }

    @GetMapping("/{patientId}")
    @Operation(summary = "Read a patient")
    PatientSummary get(@PathVariable long patientId) {
        return cases.findPatient(patientId).orElseThrow(() -> ApiException.notFound("Patient " + patientId));
    }
}
