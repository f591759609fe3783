package org.histoscope.users.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.users.UserAdministrationException;

/** The segregation-of-duties setting: changed only with a reason, which the audit log keeps. */
class SegregationSetting extends VerticalLayout {

    private final SecuritySettingsService settings;
    private final Checkbox allowed = new Checkbox(getTranslation("users.segregation.allow"));
    private final Span state = new Span();

    SegregationSetting(SecuritySettingsService settings) {
        this.settings = settings;
        setPadding(false);
        allowed.setId("requester-may-sign");
        state.addClassName("setting-state");
        show(settings.requesterMaySign());
        allowed.addValueChangeListener(e -> {
            if (e.isFromClient()) {
                confirm(e.getValue());
            }
        });
        add(allowed, state);
    }

    private void confirm(boolean enable) {
        TextArea reason = new TextArea(getTranslation("users.segregation.reason"));
        reason.setRequiredIndicatorVisible(true);
        reason.setWidthFull();
        reason.setId("setting-reason");
        ConfirmDialog dialog = new ConfirmDialog();
        dialog.setHeader(getTranslation(enable ? "users.segregation.allowQuestion" : "users.segregation.requireQuestion"));
        dialog.setText(reason);
        dialog.setCancelable(true);
        dialog.setConfirmText(getTranslation("users.segregation.change"));
        dialog.setCancelText(getTranslation("common.cancel"));
        dialog.addCancelListener(e -> show(settings.requesterMaySign()));
        dialog.addConfirmListener(e -> {
            try {
                show(settings.setRequesterMaySign(enable, reason.getValue()));
            } catch (UserAdministrationException ex) {
                Notification.show(I18n.refusal(ex), 5000, Notification.Position.MIDDLE)
                        .addThemeVariants(NotificationVariant.LUMO_ERROR);
                show(settings.requesterMaySign());
            }
        });
        dialog.open();
    }

    private void show(SecuritySettingsService.Setting setting) {
        allowed.setValue(setting.enabled());
        state.setText(setting.changedBy() == null ? getTranslation("users.segregation.default")
                : getTranslation("users.segregation.lastChanged", setting.changedBy(),
                        DisplayFormats.dateTime(setting.changedAt())));
    }
}
