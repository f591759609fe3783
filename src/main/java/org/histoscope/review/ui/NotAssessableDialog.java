package org.histoscope.review.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.ImageSummary;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.ui.Notifications;
import org.histoscope.review.NotAssessableMark;
import org.histoscope.review.NotAssessableService;
import org.histoscope.review.ReviewRuleException;
import org.histoscope.review.SignatureMeaning;
import org.histoscope.review.SignatureRejectedException;

/** Asks a reviewer why an image cannot be assessed and for their password, then signs the mark. */
class NotAssessableDialog extends Dialog {

    NotAssessableDialog(NotAssessableService reviews, ImageSummary image, String signerLine, Runnable afterSigning) {
        setHeaderTitle(getTranslation("review.notAssessable.title", image.originalFilename()));
        TextArea reason = new TextArea(getTranslation("review.notAssessable.reason"));
        reason.setId("not-assessable-reason");
        reason.setRequiredIndicatorVisible(true);
        reason.setWidthFull();
        RadioButtonGroup<SignatureMeaning> meaning = new RadioButtonGroup<>(getTranslation("review.signature.meaning"));
        meaning.setItems(SignatureMeaning.values());
        meaning.setItemLabelGenerator(m -> getTranslation(m.messageKey()));
        meaning.setValue(SignatureMeaning.REVIEWED);
        meaning.setRequiredIndicatorVisible(true);
        PasswordField password = new PasswordField(getTranslation("review.signature.password"));
        password.setId("not-assessable-password");
        password.setRequiredIndicatorVisible(true);
        password.setWidthFull();
        add(new Paragraph(getTranslation("review.notAssessable.intro", signerLine)),
                reason, meaning, password);
        Button confirm = new Button(getTranslation("review.signature.sign"), e -> {
            try {
                NotAssessableMark mark = reviews.markNotAssessable(image.id(), reason.getValue(), meaning.getValue(),
                        password.getValue());
                close();
                Notifications.success(getTranslation("review.notAssessable.done", image.originalFilename(),
                        mark.signerName(), DisplayFormats.utc(mark.signedAt()))
                        + (mark.signedByRequester() ? " " + mark.segregationNote() + "." : ""));
                afterSigning.run();
            } catch (SignatureRejectedException wrong) {
                password.clear();
                password.setErrorMessage(I18n.refusal(wrong));
                password.setInvalid(true);
            } catch (ReviewRuleException | CaseRuleException rule) {
                Notifications.error(I18n.refusal(rule));
            }
        });
        confirm.setId("not-assessable-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button(getTranslation("review.signature.cancel"), e -> close()), confirm);
    }
}
