package org.histoscope.fhir;

import ca.uhn.fhir.context.FhirContext;
import org.histoscope.platform.Unguarded;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * FHIR R4 JSON. HAPI's context scans the model classes when first built (about a second); it is built on the first
 * FHIR request, not at start-up, and shared after that.
 */
@Component
@Unguarded("serialises resources the guarded FhirReportService already read; holds no data of its own")
public class FhirJson {

    public static final String MEDIA_TYPE = "application/fhir+json";

    public String encode(IBaseResource resource) {
        return FhirContext.forR4Cached().newJsonParser().setPrettyPrint(false).encodeResourceToString(resource);
    }
}
