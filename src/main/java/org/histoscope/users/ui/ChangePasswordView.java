package org.histoscope.users.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAdministrationException;

/** Every user's own password change; also where {@link PasswordChangeGuard} sends users who must change it. */
@Route("account/password")
@PageTitle("Change password | Histoscope")
@Menu(title = "Change password", order = 90)
@PermitAll
public class ChangePasswordView extends VerticalLayout implements BeforeEnterObserver {

    private final UserAccountService accounts;
    private final CurrentUser currentUser;
    private final Paragraph forcedNotice = new Paragraph(
            "You must choose a new password before you continue.");
    private final PasswordField current = new PasswordField("Current password");
    private final PasswordField replacement = new PasswordField("New password");
    private final PasswordField confirmation = new PasswordField("Repeat the new password");

    public ChangePasswordView(UserAccountService accounts, CurrentUser currentUser) {
        this.accounts = accounts;
        this.currentUser = currentUser;
        setMaxWidth("32em");
        forcedNotice.addClassName("forced-password-change");
        forcedNotice.setId("forced-password-change");
        current.setId("current-password");
        replacement.setId("new-password");
        confirmation.setId("confirm-password");
        for (PasswordField field : new PasswordField[]{current, replacement, confirmation}) {
            field.setWidthFull();
            field.setRequired(true);
        }
        replacement.setMaxLength(PasswordPolicy.MAX_LENGTH);
        replacement.setHelperText("At least " + PasswordPolicy.MIN_LENGTH + " characters; a passphrase of several "
                + "words works well. Any characters are allowed; common passwords and your user name are not.");
        Button save = new Button("Change password", e -> save());
        save.setId("change-password");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(new H2("Change your password"), forcedNotice, current, replacement, confirmation, save);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        forcedNotice.setVisible(currentUser.username().map(accounts::mustChangePassword).orElse(false));
    }

    private void save() {
        replacement.setInvalid(false);
        confirmation.setInvalid(false);
        current.setInvalid(false);
        if (!replacement.getValue().equals(confirmation.getValue())) {
            confirmation.setErrorMessage("The two new passwords differ.");
            confirmation.setInvalid(true);
            return;
        }
        try {
            accounts.changeOwnPassword(current.getValue(), replacement.getValue());
        } catch (PasswordPolicyViolation e) {
            replacement.setErrorMessage(String.join(" ", e.problems()));
            replacement.setInvalid(true);
            return;
        } catch (UserAdministrationException e) {
            PasswordField about = e.field() == UserAdministrationException.Field.CURRENT_PASSWORD ? current : replacement;
            about.setErrorMessage(e.userMessage());
            about.setInvalid(true);
            return;
        }
        Notification.show("Your password has been changed.", 4000, Notification.Position.TOP_CENTER)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        getUI().ifPresent(ui -> ui.navigate(""));
    }
}
