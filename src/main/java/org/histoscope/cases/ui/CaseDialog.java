package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.BeanValidationBinder;
import com.vaadin.flow.data.binder.ValidationException;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserDirectory;
import org.histoscope.users.UserDirectory.UserSummary;
import org.histoscope.cases.CaseForm;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.DuplicateKeyException;
import org.histoscope.cases.PatientSummary;
import org.springframework.data.domain.PageRequest;

/** Create or edit a case; a new patient can be created on the spot. */
class CaseDialog extends Dialog {

    private final TextField accessionNumber = new TextField(getTranslation("case.form.accession"));
    private final ComboBox<PatientSummary> patient = new ComboBox<>(getTranslation("case.form.patient"));
    private final TextField specimen = new TextField(getTranslation("case.form.specimen"));
    private final TextField site = new TextField(getTranslation("case.form.site"));
    private final TextArea clinicalNotes = new TextArea(getTranslation("case.form.notes"));
    private final ComboBox<UserSummary> pathologist = new ComboBox<>(getTranslation("case.form.pathologist"));
    private final BeanValidationBinder<CaseForm> binder = new BeanValidationBinder<>(CaseForm.class);

    CaseDialog(CaseService service, Clock clock, UserDirectory users, CaseSummary existing, Consumer<CaseSummary> onSaved) {
        setHeaderTitle(existing == null ? getTranslation("cases.new")
                : getTranslation("case.form.editTitle", existing.accessionNumber()));
        setWidth("min(46rem, 95vw)");
        accessionNumber.setId("case-accession");
        patient.setId("case-patient");
        specimen.setId("case-specimen");
        site.setId("case-site");
        clinicalNotes.setId("case-notes");
        pathologist.setId("case-pathologist");
        specimen.setPlaceholder(getTranslation("case.form.specimenExample"));

        patient.setItems(query -> service.searchPatients(query.getFilter().orElse(""),
                PageRequest.of(query.getPage(), query.getPageSize())).stream());
        patient.setItemLabelGenerator(PatientSummary::label);
        patient.setPlaceholder(getTranslation("case.form.patientSearch"));
        Button newPatient = new Button(VaadinIcon.PLUS.create(), e -> new PatientDialog(service, clock, null, created -> {
            patient.setValue(created);
            Notifications.success(getTranslation("patients.created", created.mrn()));
        }).open());
        newPatient.setTooltipText(getTranslation("patients.new"));
        newPatient.setAriaLabel(getTranslation("patients.new"));
        newPatient.setId("case-new-patient");
        HorizontalLayout patientRow = new HorizontalLayout(patient, newPatient);
        patientRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        patientRow.expand(patient);

        List<UserSummary> pathologists = users.usersWithRole(Roles.PATHOLOGIST);
        pathologist.setItems(pathologists);
        pathologist.setItemLabelGenerator(u -> u.printedName() + " (" + u.username() + ")");
        pathologist.setClearButtonVisible(true);

        PatientSummary current = existing == null ? null : existing.patient();
        binder.forField(accessionNumber).bind("accessionNumber");
        binder.forField(patient).withConverter(p -> p == null ? null : p.id(),
                id -> id == null ? null : patient.getValue() != null && patient.getValue().id() == id ? patient.getValue() : current)
                .bind("patientId");
        binder.forField(specimen).bind("specimen");
        binder.forField(site).bind("site");
        binder.forField(clinicalNotes).bind("clinicalNotes");
        binder.forField(pathologist).withConverter(u -> u == null ? null : u.username(),
                username -> pathologists.stream().filter(u -> u.username().equals(username)).findFirst().orElse(null))
                .bind("assignedPathologist");
        // the binder marks the record's @NotBlank/@NotNull fields too; said here so no form depends on it
        accessionNumber.setRequiredIndicatorVisible(true);
        patient.setRequiredIndicatorVisible(true);
        specimen.setRequiredIndicatorVisible(true);
        binder.readRecord(existing == null ? new CaseForm("", null, "", "", "", null) : existing.toForm());

        FormLayout form = new FormLayout(accessionNumber, patientRow, specimen, site, pathologist, clinicalNotes);
        form.setColspan(clinicalNotes, 2);
        add(form);

        Button save = new Button(getTranslation("common.save"), e -> {
            try {
                CaseForm values = binder.writeRecord();
                CaseSummary saved = existing == null ? service.createCase(values) : service.updateCase(existing.id(), values);
                close();
                onSaved.accept(saved);
            } catch (ValidationException invalid) {
                // fields are marked by the binder
            } catch (DuplicateKeyException taken) {
                accessionNumber.setErrorMessage(I18n.refusal(taken));
                accessionNumber.setInvalid(true);
            } catch (CaseRuleException rule) {
                Notifications.error(I18n.refusal(rule));
            }
        });
        save.setId("case-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        getFooter().add(new Button(getTranslation("common.cancel"), e -> close()), save);
        accessionNumber.focus();
    }
}
