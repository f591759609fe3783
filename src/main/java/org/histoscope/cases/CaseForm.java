package org.histoscope.cases;

import org.histoscope.platform.FreeText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What a pathologist enters for a case. */
public record CaseForm(
        @NotBlank(message = "Enter the accession number")
        @Size(max = 64, message = "The accession number can have at most 64 characters")
        @Pattern(regexp = "\\s*[A-Za-z0-9][A-Za-z0-9-/.]*\\s*", message = "Use letters, digits, '-', '/' or '.' in the accession number")
        String accessionNumber,
        @NotNull(message = "Choose the patient")
        Long patientId,
        @NotBlank(message = "Describe the specimen")
        @Size(max = 200, message = "The specimen can have at most 200 characters")
        String specimen,
        @Size(max = 200, message = "The site can have at most 200 characters")
        String site,
        @Size(max = 10000, message = "The clinical notes can have at most 10,000 characters")
        String clinicalNotes,
        String assignedPathologist) {

    /** Typed text in its one stored form (platform.FreeText), whether it came from the UI or the API. */
    public CaseForm {
        accessionNumber = FreeText.clean(accessionNumber);
        specimen = FreeText.clean(specimen);
        site = FreeText.clean(site);
        clinicalNotes = FreeText.clean(clinicalNotes);
        assignedPathologist = FreeText.clean(assignedPathologist);
    }
}
