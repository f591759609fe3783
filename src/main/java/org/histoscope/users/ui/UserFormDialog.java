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
import org.histoscope.users.UserLanguage;
import org.histoscope.users.AccountSource;

/**
 * Create a user (with an initial password) or edit one (name, e-mail, roles, language). A directory account's name
 * and roles come from the directory, so only its language can be changed here.
 */
class UserFormDialog extends Dialog {

    private final TextField username = new TextField(getTranslation("users.form.username"));
    private final TextField fullName = new TextField(getTranslation("users.form.fullName"));
    private final EmailField email = new EmailField(getTranslation("users.form.email"));
    private final CheckboxGroup<String> roles = new CheckboxGroup<>(getTranslation("users.form.roles"));
    private final LanguageSelect language = new LanguageSelect();
    private final PasswordField password = new PasswordField(getTranslation("users.form.password"));
    private final PasswordField confirmation = new PasswordField(getTranslation("users.form.passwordRepeat"));

    /** @param existing null to create a user */
    UserFormDialog(UserAccountSummary existing, Predicate<UserFormDialog> save) {
        boolean creating = existing == null;
        setHeaderTitle(creating ? getTranslation("users.form.newTitle")
                : getTranslation("users.form.editTitle", existing.username()));
        setWidth("36em");
        username.setId("form-username");
        fullName.setId("form-fullname");
        email.setId("form-email");
        roles.setId("form-roles");
        language.setId("form-language");
        password.setId("form-password");
        confirmation.setId("form-password-confirm");
        for (var required : new com.vaadin.flow.component.HasValue<?, ?>[]{username, fullName, roles, password,
                confirmation}) {
            required.setRequiredIndicatorVisible(true);
        }
        roles.setItems(Set.of("PATHOLOGIST", "REVIEWER", "ADMIN").stream().sorted().toList());
        roles.setItemLabelGenerator(role -> getTranslation("role." + role));
        password.setHelperText(getTranslation("users.form.passwordHelp", PasswordPolicy.MIN_LENGTH));
        password.setMaxLength(PasswordPolicy.MAX_LENGTH);

        FormLayout form = new FormLayout();
        form.setResponsiveSteps(new FormLayout.ResponsiveStep("0", 1));
        if (creating) {
            form.add(username, fullName, email, roles, language, password, confirmation);
        } else {
            username.setValue(existing.username());
            fullName.setValue(existing.fullName());
            email.setValue(existing.email() == null ? "" : existing.email());
            roles.setValue(existing.roles());
            language.setChoice(existing.language());
            boolean local = existing.source() == AccountSource.LOCAL;
            fullName.setReadOnly(!local);
            email.setReadOnly(!local);
            roles.setReadOnly(!local);
            form.add(fullName, email, roles, language);
        }
        add(form);

        Button saveButton = new Button(getTranslation(creating ? "users.form.create" : "common.save"), e -> {
            if (creating && !password.getValue().equals(confirmation.getValue())) {
                confirmation.setErrorMessage(getTranslation("users.form.passwordsDiffer"));
                confirmation.setInvalid(true);
                return;
            }
            if (save.test(this)) {
                close();
            }
        });
        saveButton.setId("form-save");
        saveButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button(getTranslation("common.cancel"), e -> close());
        getFooter().add(cancel, saveButton);
    }

    UserAccountService.NewUser toNewUser() {
        return new UserAccountService.NewUser(username.getValue(), fullName.getValue(), email.getValue(),
                new TreeSet<>(roles.getValue()), password.getValue());
    }

    UserAccountService.UserChanges toChanges() {
        return new UserAccountService.UserChanges(fullName.getValue(), email.getValue(), new TreeSet<>(roles.getValue()));
    }

    /** null: the browser's language. */
    UserLanguage language() {
        return language.choice();
    }
}
