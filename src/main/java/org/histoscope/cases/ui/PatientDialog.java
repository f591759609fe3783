package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.BeanValidationBinder;
import com.vaadin.flow.data.binder.ValidationException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.function.Consumer;
import org.histoscope.ui.Notifications;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.DuplicateKeyException;
import org.histoscope.cases.PatientForm;
import org.histoscope.cases.PatientSummary;
import org.histoscope.cases.Sex;

/** Create or edit a patient. Field errors come from the record's constraints; a taken MRN shows on the MRN field. */
class PatientDialog extends Dialog {

    private final TextField mrn = new TextField(getTranslation("patients.form.mrn"));
    private final TextField fullName = new TextField(getTranslation("patients.form.name"));
    private final DatePicker dateOfBirth = new DatePicker(getTranslation("patients.form.dateOfBirth"));
    private final Select<Sex> sex = new Select<>();
    private final BeanValidationBinder<PatientForm> binder = new BeanValidationBinder<>(PatientForm.class);

    PatientDialog(CaseService service, Clock clock, PatientSummary existing, Consumer<PatientSummary> onSaved) {
        setHeaderTitle(existing == null ? getTranslation("patients.new")
                : getTranslation("patients.form.editTitle", existing.mrn()));
        mrn.setId("patient-mrn");
        fullName.setId("patient-name");
        dateOfBirth.setId("patient-dob");
        dateOfBirth.setMax(LocalDate.now(clock));
        dateOfBirth.setLocale(com.vaadin.flow.component.UI.getCurrent().getLocale());
        sex.setLabel(getTranslation("patients.form.sex"));
        sex.setId("patient-sex");
        sex.setItems(Sex.values());
        sex.setItemLabelGenerator(value -> getTranslation("sex." + value.name()));
        binder.bindInstanceFields(this);
        for (var required : new com.vaadin.flow.component.HasValue<?, ?>[]{mrn, fullName, dateOfBirth, sex}) {
            required.setRequiredIndicatorVisible(true);
        }
        binder.readRecord(existing == null ? new PatientForm("", "", null, Sex.UNKNOWN) : existing.toForm());

        FormLayout form = new FormLayout(mrn, fullName, dateOfBirth, sex);
        add(form);
        Button save = new Button(getTranslation("common.save"), e -> {
            try {
                PatientForm values = binder.writeRecord();
                PatientSummary saved = existing == null ? service.createPatient(values)
                        : service.updatePatient(existing.id(), values);
                close();
                onSaved.accept(saved);
            } catch (ValidationException invalid) {
                // the binder already marks the fields
            } catch (DuplicateKeyException taken) {
                mrn.setErrorMessage(I18n.refusal(taken));
                mrn.setInvalid(true);
            } catch (CaseRuleException rule) {
                Notifications.error(I18n.refusal(rule));
            }
        });
        save.setId("patient-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        getFooter().add(new Button(getTranslation("common.cancel"), e -> close()), save);
        mrn.focus();
    }
}
