package org.histoscope.cases;

import org.histoscope.platform.FreeText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PastOrPresent;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;

/** What a pathologist enters for a patient; validated both in the form (Binder) and in the service. */
public record PatientForm(
        @NotBlank(message = "Enter the medical record number")
        @Size(max = 64, message = "The MRN can have at most 64 characters")
        @Pattern(regexp = "\\s*[A-Za-z0-9][A-Za-z0-9-/.]*\\s*", message = "Use letters, digits, '-', '/' or '.' in the MRN")
        String mrn,
        @NotBlank(message = "Enter the patient's name")
        @Size(max = 200, message = "The name can have at most 200 characters")
        String fullName,
        @NotNull(message = "Enter the date of birth")
        @PastOrPresent(message = "The date of birth cannot be in the future")
        LocalDate dateOfBirth,
        @NotNull(message = "Choose the sex (or Unknown)")
        Sex sex) {

    /** Typed text in its one stored form (platform.FreeText), whether it came from the UI or the API. */
    public PatientForm {
        mrn = FreeText.clean(mrn);
        fullName = FreeText.clean(fullName);
    }
}
