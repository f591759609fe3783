package org.histoscope.users.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.PasswordField;
import java.util.function.Predicate;
import org.histoscope.security.PasswordPolicy;

/** Sets a temporary password; destructive (the old one stops working), so it states that and asks to repeat it. */
class ResetPasswordDialog extends Dialog {

    ResetPasswordDialog(String username, Predicate<String> reset) {
        setHeaderTitle(getTranslation("users.reset.title", username));
        setWidth("32em");
        PasswordField password = new PasswordField(getTranslation("users.reset.password"));
        password.setId("reset-password-field");
        password.setWidthFull();
        password.setMaxLength(PasswordPolicy.MAX_LENGTH);
        password.setRequiredIndicatorVisible(true);
        PasswordField confirmation = new PasswordField(getTranslation("users.reset.repeat"));
        confirmation.setId("reset-password-confirm");
        confirmation.setWidthFull();
        confirmation.setRequiredIndicatorVisible(true);
        add(new Paragraph(getTranslation("users.reset.explanation", username)), password, confirmation);

        Button confirm = new Button(getTranslation("users.reset.confirm"), e -> {
            if (!password.getValue().equals(confirmation.getValue())) {
                confirmation.setErrorMessage(getTranslation("users.form.passwordsDiffer"));
                confirmation.setInvalid(true);
                return;
            }
            if (reset.test(password.getValue())) {
                close();
            }
        });
        confirm.setId("reset-password-save");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        getFooter().add(new Button(getTranslation("common.cancel"), e -> close()), confirm);
    }
}
