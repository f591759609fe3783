package org.histoscope.models.ui;

import org.histoscope.ui.I18n;
import org.histoscope.platform.InputRejectedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import org.histoscope.ui.Notifications;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.RegisteredModel;
import org.springframework.security.access.AccessDeniedException;

/** Changes a model's decision threshold; the reason is mandatory because the change is audited. */
class ThresholdDialog extends Dialog {

    private final NumberField value = new NumberField(getTranslation("models.threshold.value"));
    private final TextArea reason = new TextArea(getTranslation("models.threshold.reason"));

    ThresholdDialog(ModelRegistry registry, RegisteredModel model, Runnable onChanged) {
        setHeaderTitle(getTranslation("models.threshold.title", model.name(), model.version()));
        value.setRequiredIndicatorVisible(true);
        reason.setRequiredIndicatorVisible(true);
        value.setId("threshold-value");
        value.setMin(0.001);
        value.setMax(0.999);
        value.setStep(0.001);
        value.setValue(model.threshold());
        reason.setId("threshold-reason");
        reason.setRequired(true);
        reason.setMaxLength(500);
        reason.setWidthFull();
        Button save = new Button(getTranslation("common.save"), e -> save(registry, model, onChanged));
        save.setId("threshold-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(new VerticalLayout(value, reason));
        getFooter().add(new Button(getTranslation("common.cancel"), e -> close()), save);
    }

    private void save(ModelRegistry registry, RegisteredModel model, Runnable onChanged) {
        if (value.getValue() == null) {
            value.setInvalid(true);
            value.setErrorMessage(getTranslation("models.threshold.invalid"));
            return;
        }
        try {
            registry.changeThreshold(model.id(), value.getValue(), reason.getValue());
            close();
            Notifications.success(getTranslation("models.threshold.changed", value.getValue()));
            onChanged.run();
        } catch (InputRejectedException ex) {
            boolean aboutReason = "reason".equals(ex.field());
            reason.setInvalid(aboutReason);
            reason.setErrorMessage(I18n.refusal(ex));
            value.setInvalid(!aboutReason);
            value.setErrorMessage(I18n.refusal(ex));
        } catch (AccessDeniedException ex) {
            Notifications.error(getTranslation("models.adminsOnly"));
        }
    }
}
