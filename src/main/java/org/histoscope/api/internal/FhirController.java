package org.histoscope.api.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import org.histoscope.fhir.FhirJson;
import org.histoscope.fhir.FhirReportService;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * FHIR R4, read-only, on the API's filter chain (bearer tokens, rate limit, every use audited) and with its error
 * documents: the report versions of signed-out cases as DiagnosticReport, Observation, Device and DocumentReference.
 */
@RestController
@Tag(name = "FHIR R4")
class FhirController {

    static final String BASE = "/fhir/r4";

    private final FhirReportService fhir;
    private final FhirJson json;

    FhirController(FhirReportService fhir, FhirJson json) {
        this.fhir = fhir;
        this.json = json;
    }

    @GetMapping(path = BASE + "/metadata")
    @Operation(summary = "CapabilityStatement: what this FHIR server offers")
    ResponseEntity<String> metadata() {
        return ok(fhir.capabilities(serverBase() + BASE.substring(1)));
    }

    @GetMapping(path = BASE + "/DiagnosticReport/{id}")
    @Operation(summary = "A report version (<case id>-<version>) as a DiagnosticReport with its Observations")
    ResponseEntity<String> diagnosticReport(@PathVariable String id) {
        return ok(found("DiagnosticReport", id, fhir.diagnosticReport(id, serverBase())));
    }

    @GetMapping(path = BASE + "/DiagnosticReport")
    @Operation(summary = "Search the report versions of a case by its accession number: ?identifier=[system|]value")
    ResponseEntity<String> searchDiagnosticReports(@RequestParam String identifier) {
        String value = identifier.contains("|") ? identifier.substring(identifier.indexOf('|') + 1) : identifier;
        List<DiagnosticReport> found = fhir.diagnosticReportsByAccession(value, serverBase());
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(found.size());
        String base = serverBase() + BASE.substring(1) + "/";
        bundle.addLink().setRelation("self").setUrl(base + "DiagnosticReport?identifier="
                + java.net.URLEncoder.encode(identifier, java.nio.charset.StandardCharsets.UTF_8));
        for (DiagnosticReport report : found) {
            bundle.addEntry().setFullUrl(base + "DiagnosticReport/" + report.getIdElement().getIdPart())
                    .setResource(report).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        }
        return ok(bundle);
    }

    @GetMapping(path = BASE + "/Observation/{id}")
    @Operation(summary = "An AI result (ai-<result id>, device output) or a reviewer's final label (review-<result id>-<review id>)")
    ResponseEntity<String> observation(@PathVariable String id) {
        return ok(found("Observation", id, fhir.observation(id)));
    }

    @GetMapping(path = BASE + "/Device/{id}")
    @Operation(summary = "A model version (model-<registered model id>) as a Device")
    ResponseEntity<String> device(@PathVariable String id) {
        return ok(found("Device", id, fhir.device(id)));
    }

    @GetMapping(path = BASE + "/DocumentReference/{id}")
    @Operation(summary = "The signed PDF of a report version (<case id>-<version>), Base64 in content.attachment.data")
    ResponseEntity<String> documentReference(@PathVariable String id) {
        return ok(found("DocumentReference", id, fhir.documentReference(id)));
    }

    private static <T extends Resource> T found(String type, String id, Optional<T> resource) {
        return resource.orElseThrow(() -> ApiException.notFound(type + " " + cut(id)));
    }

    private static String cut(String id) {
        String safe = id.replaceAll("[^A-Za-z0-9.-]", "?");
        return safe.length() > 64 ? safe.substring(0, 64) + "…" : safe;
    }

    private ResponseEntity<String> ok(Resource resource) {
        return ResponseEntity.ok().header("Content-Type", FhirJson.MEDIA_TYPE + ";charset=UTF-8")
                .body(json.encode(resource));
    }

    private static String serverBase() {
        return ServletUriComponentsBuilder.fromCurrentContextPath().path("/").build().toUriString();
    }
}
