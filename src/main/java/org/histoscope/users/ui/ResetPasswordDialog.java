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
        setHeaderTitle("Reset the password of " + username);
        setWidth("32em");
        PasswordField password = new PasswordField("Temporary password");
        password.setId("reset-password-field");
        password.setWidthFull();
        password.setMaxLength(PasswordPolicy.MAX_LENGTH);
        PasswordField confirmation = new PasswordField("Repeat the temporary password");
        confirmation.setId("reset-password-confirm");
        confirmation.setWidthFull();
        add(new Paragraph("The current password stops working at once. Give the temporary password to "
                + username + " in person; they must change it at the next sign-in."), password, confirmation);

        Button confirm = new Button("Reset password", e -> {
            if (!password.getValue().equals(confirmation.getValue())) {
                confirmation.setErrorMessage("The two passwords differ.");
                confirmation.setInvalid(true);
                return;
            }
            if (reset.test(password.getValue())) {
                close();
            }
        });
        confirm.setId("reset-password-save");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        getFooter().add(new Button("Cancel", e -> close()), confirm);
    }
}
