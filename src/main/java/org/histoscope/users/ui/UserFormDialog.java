package org.histoscope.users.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.EmailField;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAccountSummary;

/** Create a user (with an initial password) or edit one (name, e-mail, roles). */
class UserFormDialog extends Dialog {

    private final TextField username = new TextField("User name (login)");
    private final TextField fullName = new TextField("Full name (as printed on signatures)");
    private final EmailField email = new EmailField("E-mail (optional)");
    private final CheckboxGroup<String> roles = new CheckboxGroup<>("Roles");
    private final PasswordField password = new PasswordField("Initial password");
    private final PasswordField confirmation = new PasswordField("Repeat the initial password");

    /** @param existing null to create a user */
    UserFormDialog(UserAccountSummary existing, Predicate<UserFormDialog> save) {
        boolean creating = existing == null;
        setHeaderTitle(creating ? "New user" : "Edit " + existing.username());
        setWidth("36em");
        username.setId("form-username");
        fullName.setId("form-fullname");
        email.setId("form-email");
        roles.setId("form-roles");
        password.setId("form-password");
        confirmation.setId("form-password-confirm");
        roles.setItems(Set.of("PATHOLOGIST", "REVIEWER", "ADMIN").stream().sorted().toList());
        roles.setItemLabelGenerator(role -> role.charAt(0) + role.substring(1).toLowerCase());
        password.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters. The user must change it "
                + "at the first sign-in.");
        password.setMaxLength(PasswordPolicy.MAX_LENGTH);

        FormLayout form = new FormLayout();
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        if (creating) {
            form.add(username, fullName, email, roles, password, confirmation);
        } else {
            username.setValue(existing.username());
            fullName.setValue(existing.fullName());
            email.setValue(existing.email() == null ? "" : existing.email());
            roles.setValue(existing.roles());
            form.add(fullName, email, roles);
        }
        add(form);

        Button saveButton = new Button(creating ? "Create user" : "Save", e -> {
            if (creating && !password.getValue().equals(confirmation.getValue())) {
                confirmation.setErrorMessage("The two passwords differ.");
                confirmation.setInvalid(true);
                return;
            }
            if (save.test(this)) {
                close();
            }
        });
        saveButton.setId("form-save");
        saveButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> close());
        getFooter().add(cancel, saveButton);
    }

    UserAccountService.NewUser toNewUser() {
        return new UserAccountService.NewUser(username.getValue(), fullName.getValue(), email.getValue(),
                new TreeSet<>(roles.getValue()), password.getValue());
    }

    UserAccountService.UserChanges toChanges() {
        return new UserAccountService.UserChanges(fullName.getValue(), email.getValue(), new TreeSet<>(roles.getValue()));
    }
}
