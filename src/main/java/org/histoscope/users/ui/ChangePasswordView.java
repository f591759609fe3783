package org.histoscope.users.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.PasswordPolicy;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAdministrationException;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserLanguage;

/**
 * Every user's own account page: the language of their screens and their password change; also where
 * {@link PasswordChangeGuard} sends users who must change it.
 */
@Route("account/password")
@Menu(title = "My account", order = 90)
@PermitAll
public class ChangePasswordView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private final UserAccountService accounts;
    private final CurrentUser currentUser;
    private final Paragraph forcedNotice = new Paragraph(getTranslation("account.password.forced"));
    private final PasswordField current = new PasswordField(getTranslation("account.password.current"));
    private final PasswordField replacement = new PasswordField(getTranslation("account.password.new"));
    private final PasswordField confirmation = new PasswordField(getTranslation("account.password.repeat"));

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
            field.setRequiredIndicatorVisible(true);
        }
        replacement.setMaxLength(PasswordPolicy.MAX_LENGTH);
        replacement.setHelperText(getTranslation("account.password.rules", PasswordPolicy.MIN_LENGTH));
        Button save = new Button(getTranslation("account.password.save"), e -> save());
        save.setId("change-password");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        add(new H2(getTranslation("account.title")), forcedNotice,
                new H3(getTranslation("account.language.title")), languageChoice(),
                new H3(getTranslation("account.password.title")), current, replacement, confirmation, save);
    }

    private LanguageSelect languageChoice() {
        LanguageSelect language = new LanguageSelect();
        language.setId("own-language");
        language.setHelperText(getTranslation("account.language.help"));
        language.setChoice(accounts.ownLanguage().orElse(null));
        language.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                UserLanguage chosen = language.choice();
                accounts.changeOwnLanguage(chosen);
                getUI().ifPresent(ui -> {
                    UserLanguageOnSignIn.applyNow(ui, chosen);
                    ui.getPage().reload();
                });
            }
        });
        return language;
    }

    @Override
    public String getPageTitle() {
        return getTranslation("account.pageTitle");
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
            confirmation.setErrorMessage(getTranslation("account.password.differ"));
            confirmation.setInvalid(true);
            return;
        }
        try {
            accounts.changeOwnPassword(current.getValue(), replacement.getValue());
        } catch (PasswordPolicyViolation e) {
            replacement.setErrorMessage(I18n.joined(e.texts()));
            replacement.setInvalid(true);
            return;
        } catch (UserAdministrationException e) {
            PasswordField about = e.field() == UserAdministrationException.Field.CURRENT_PASSWORD ? current : replacement;
            about.setErrorMessage(I18n.refusal(e));
            about.setInvalid(true);
            return;
        }
        Notification.show(getTranslation("account.password.changed"), 4000, Notification.Position.TOP_CENTER)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
        getUI().ifPresent(ui -> ui.navigate(""));
    }
}
