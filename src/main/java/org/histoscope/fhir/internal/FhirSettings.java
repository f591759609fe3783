package org.histoscope.fhir.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The identifier systems and names that the FHIR R4 resources carry; a hospital sets them to its own (e.g. its MRN
 * assigning authority's URI or OID) so that a receiving server links the results to the right patient.
 *
 * @param mrnSystem         Identifier.system of the patient's medical record number
 * @param accessionSystem   Identifier.system of the case's accession number
 * @param systemBase        base URI of Histoscope's own identifiers and codes (results, reviewers, models, local codes)
 * @param organization      the department shown as the reports' performer
 */
@ConfigurationProperties("histoscope.fhir")
public record FhirSettings(String mrnSystem, String accessionSystem, String systemBase, String organization) {

    public FhirSettings {
        mrnSystem = blank(mrnSystem) ? "https://histoscope.invalid/fhir/sid/mrn" : mrnSystem.trim();
        accessionSystem = blank(accessionSystem) ? "https://histoscope.invalid/fhir/sid/accession" : accessionSystem.trim();
        systemBase = blank(systemBase) ? "https://histoscope.invalid/fhir" : stripSlash(systemBase.trim());
        organization = blank(organization) ? "Pathology" : organization.trim();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    String system(String name) {
        return systemBase + "/sid/" + name;
    }

    String codeSystem(String name) {
        return systemBase + "/CodeSystem/" + name;
    }
}
