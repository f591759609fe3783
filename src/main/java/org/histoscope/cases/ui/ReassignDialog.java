package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.textfield.TextArea;
import java.util.function.Consumer;
import org.histoscope.security.Roles;
import org.histoscope.users.UserDirectory;
import org.histoscope.users.UserDirectory.UserSummary;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseSummary;

/** An administrator hands a case to another pathologist, with a reason for the audit log. */
class ReassignDialog extends Dialog {

    ReassignDialog(CaseService cases, UserDirectory users, CaseSummary current, Consumer<CaseSummary> saved) {
        setHeaderTitle(getTranslation("case.reassign.title", current.accessionNumber()));
        ComboBox<UserSummary> pathologist = new ComboBox<>(getTranslation("case.reassign.pathologist"));
        pathologist.setId("reassign-pathologist");
        pathologist.setItems(users.usersWithRole(Roles.PATHOLOGIST));
        pathologist.setItemLabelGenerator(u -> u.printedName() + " (" + u.username() + ")");
        pathologist.setClearButtonVisible(true);
        TextArea reason = new TextArea(getTranslation("case.reassign.reason"));
        reason.setId("reassign-reason");
        reason.setRequired(true);
        reason.setRequiredIndicatorVisible(true);
        reason.setMaxLength(500);
        add(new FormLayout(pathologist, reason));
        Button save = new Button(getTranslation("case.reassign"), e -> {
            try {
                saved.accept(cases.reassign(current.id(),
                        pathologist.getValue() == null ? null : pathologist.getValue().username(), reason.getValue()));
                close();
            } catch (CaseRuleException ex) {
                reason.setErrorMessage(I18n.refusal(ex));
                reason.setInvalid(true);
            }
        });
        save.setId("reassign-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button(getTranslation("common.cancel"), e -> close()), save);
    }
}
