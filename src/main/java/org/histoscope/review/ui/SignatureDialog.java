package org.histoscope.review.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.PasswordField;
import jakarta.validation.ConstraintViolationException;
import java.util.function.Function;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.security.CurrentUser;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserDirectory;
import org.histoscope.review.ReviewRuleException;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignatureRejectedException;

/**
 * The electronic signature of this feature (21 CFR 11.50/11.200), the same for a review and a case's final
 * diagnosis: the signer's printed name and login, what they sign and its meaning, and their password re-entered.
 * A wrong password keeps the dialog open; a broken rule closes it with its sentence for people.
 */
class SignatureDialog extends Dialog {

    /**
     * @param what the act, completing "I, name (login), sign …", e.g. "this review"
     * @param sign signs with the password and returns the confirmation to show
     */
    SignatureDialog(CurrentUser currentUser, UserDirectory users, String what, SignatureMeaning meaning,
                    String confirmLabel, Function<String, String> sign, Runnable afterSigning) {
        String username = currentUser.username().orElse("");
        String printedName = users.printedName(username).filter(name -> !name.isBlank()).orElse(username);
        setHeaderTitle(getTranslation("review.signature.title"));
        PasswordField password = new PasswordField(getTranslation("review.signature.password"));
        password.setId("signature-password");
        password.setRequiredIndicatorVisible(true);
        password.setWidthFull();
        Paragraph statement = new Paragraph(getTranslation("review.signature.statement", printedName, username, what,
                getTranslation(meaning.messageKey())));
        statement.setId("signature-statement");
        add(statement, password);
        Button confirm = new Button(confirmLabel, e -> {
            try {
                String done = sign.apply(password.getValue());
                close();
                Notifications.success(done);
                afterSigning.run();
            } catch (SignatureRejectedException wrong) {
                password.clear();
                password.setErrorMessage(I18n.refusal(wrong));
                password.setInvalid(true);
            } catch (ReviewRuleException rule) {
                close();
                Notifications.error(I18n.refusal(rule));
            } catch (CaseRuleException rule) {
                close();
                Notifications.error(I18n.refusal(rule));
            } catch (ConstraintViolationException invalid) {
                close();
                Notifications.invalid(invalid);
            }
        });
        confirm.setId("signature-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        confirm.addClickShortcut(Key.ENTER);
        getFooter().add(new Button(getTranslation("review.signature.cancel"), e -> close()), confirm);
    }

    @Override
    public void open() {
        super.open();
        getChildren().filter(PasswordField.class::isInstance).findFirst()
                .ifPresent(field -> ((PasswordField) field).focus());
    }
}
