package org.histoscope.tokens.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.CheckboxGroup;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolationException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.tokens.ApiTokenRejectedException;
import org.histoscope.tokens.ApiTokenService;
import org.histoscope.tokens.ApiTokenSummary;
import org.histoscope.tokens.IssuedApiToken;
import org.histoscope.tokens.NewApiToken;

/** Administrators issue API tokens to named integrations (the secret is shown once), see their use and revoke them. */
@Route("admin/api-tokens")
@Menu(title = "API tokens", order = 85)
@RolesAllowed(Roles.ADMIN)
public class ApiTokenAdministrationView extends VerticalLayout implements HasDynamicTitle {

    private final ApiTokenService tokens;
    private final Grid<ApiTokenSummary> grid = new Grid<>(ApiTokenSummary.class, false);

    private final Clock clock;

    public ApiTokenAdministrationView(ApiTokenService tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
        setSizeFull();
        Button create = new Button(getTranslation("tokens.new"), VaadinIcon.PLUS.create(), e -> openCreate());
        create.setId("new-api-token");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        grid.setId("api-tokens");
        grid.addColumn(ApiTokenSummary::name).setHeader(getTranslation("tokens.column.integration")).setAutoWidth(true);
        grid.addColumn(t -> t.secretPrefix() + "…").setHeader(getTranslation("tokens.column.prefix")).setAutoWidth(true);
        grid.addColumn(t -> String.join(", ", t.roles().stream().sorted().map(r -> getTranslation("role." + r)).toList()))
                .setHeader(getTranslation("tokens.column.roles")).setAutoWidth(true);
        grid.addColumn(ApiTokenSummary::requestsPerMinute).setHeader(getTranslation("tokens.column.rate")).setAutoWidth(true);
        grid.addColumn(t -> DisplayFormats.dateTime(t.expiresAt())).setHeader(getTranslation("tokens.column.expires")).setAutoWidth(true);
        grid.addColumn(t -> t.lastUsedAt() == null ? getTranslation("tokens.never") : DisplayFormats.dateTime(t.lastUsedAt()))
                .setHeader(getTranslation("tokens.column.lastUsed")).setAutoWidth(true);
        grid.addColumn(t -> t.revokedAt() != null ? getTranslation("tokens.state.revoked", t.revokedBy())
                        : getTranslation(t.usable() ? "tokens.state.active" : "tokens.state.expired"))
                .setHeader(getTranslation("tokens.column.state")).setAutoWidth(true);
        grid.addComponentColumn(t -> {
            Button revoke = new Button(getTranslation("tokens.revoke"), e -> confirmRevoke(t));
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            revoke.setEnabled(t.revokedAt() == null);
            revoke.setId("revoke-" + t.name());
            return revoke;
        }).setAutoWidth(true);
        add(new H2(getTranslation("tokens.title")), new Paragraph(getTranslation("tokens.explanation")), create, grid);
        refresh();
    }

    private void refresh() {
        grid.setItems(tokens.list());
    }

    private void openCreate() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(getTranslation("tokens.form.title"));
        TextField name = new TextField(getTranslation("tokens.form.name"));
        name.setRequiredIndicatorVisible(true);
        name.setId("api-token-name");
        name.setPlaceholder("lis-main");
        CheckboxGroup<String> roles = new CheckboxGroup<>(getTranslation("tokens.column.roles"));
        roles.setRequiredIndicatorVisible(true);
        roles.setId("api-token-roles");
        roles.setItems(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN);
        roles.setItemLabelGenerator(role -> getTranslation("role." + role));
        roles.setValue(Set.of(Roles.PATHOLOGIST));
        DatePicker expires = new DatePicker(getTranslation("tokens.form.expires"), LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(90));
        expires.setId("api-token-expires");
        expires.setRequiredIndicatorVisible(true);
        expires.setMin(LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1));
        IntegerField perMinute = new IntegerField(getTranslation("tokens.form.rate"));
        perMinute.setRequiredIndicatorVisible(true);
        perMinute.setId("api-token-rate");
        perMinute.setValue(120);
        perMinute.setMin(1);
        Button save = new Button(getTranslation("tokens.form.create"), e -> {
            try {
                IssuedApiToken issued = tokens.create(new NewApiToken(name.getValue(), roles.getValue(),
                        expires.getValue() == null ? null : expires.getValue().atStartOfDay(ZoneOffset.UTC).toInstant(),
                        perMinute.getValue() == null ? 0 : perMinute.getValue()));
                dialog.close();
                refresh();
                showOnce(issued);
            } catch (ApiTokenRejectedException rejected) {
                Notifications.error(I18n.refusal(rejected));
            } catch (ConstraintViolationException invalid) {
                Notifications.invalid(invalid);
            }
        });
        save.setId("create-api-token");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(name, roles, expires, perMinute));
        dialog.getFooter().add(new Button(getTranslation("common.cancel"), e -> dialog.close()), save);
        dialog.open();
    }

    private void showOnce(IssuedApiToken issued) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(getTranslation("tokens.secret.title", issued.token().name()));
        TextField secret = new TextField(getTranslation("tokens.secret.field"));
        secret.setId("api-token-secret");
        secret.setValue(issued.secret());
        secret.setReadOnly(true);
        secret.setWidth("36em");
        // the field stays selectable: where the browser refuses the clipboard, the token can be copied by hand
        Button copy = new Button(getTranslation("tokens.secret.copy"), VaadinIcon.COPY.create(), e -> copy(secret));
        copy.setId("copy-api-token");
        HorizontalLayout row = new HorizontalLayout(secret, copy);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        dialog.add(new Paragraph(getTranslation("tokens.secret.explanation")), row);
        Button done = new Button(getTranslation("tokens.secret.done"), e -> dialog.close());
        done.setId("close-api-token-secret");
        dialog.getFooter().add(done);
        dialog.open();
    }

    /**
     * Copies the token with the asynchronous Clipboard API where the page is a secure context (HTTPS, localhost);
     * on a plain-HTTP intranet page the browser offers no such API, so the field's text is selected and copied the
     * old way. Either way the user is told whether it worked; if not, the token is selected for Ctrl+C.
     */
    private void copy(TextField secret) {
        secret.getElement().executeJs("""
                const input = this.inputElement;
                if (navigator.clipboard && window.isSecureContext) {
                  return navigator.clipboard.writeText($0).then(() => true, () => false);
                }
                input.focus();
                input.select();
                try { return document.execCommand('copy'); } catch (e) { return false; }""", secret.getValue())
                .then(Boolean.class, copied -> {
                    if (Boolean.TRUE.equals(copied)) {
                        Notifications.success(getTranslation("tokens.secret.copied"));
                    } else {
                        secret.focus();
                        Notifications.info(getTranslation("tokens.secret.copyByHand"));
                    }
                });
    }

    @Override
    public String getPageTitle() {
        return getTranslation("tokens.pageTitle");
    }

    private void confirmRevoke(ApiTokenSummary token) {
        ConfirmDialog confirm = new ConfirmDialog(getTranslation("tokens.revoke.question", token.name()),
                getTranslation("tokens.revoke.explanation"), getTranslation("tokens.revoke"), e -> {
            try {
                tokens.revoke(token.id());
                refresh();
            } catch (ApiTokenRejectedException rejected) {
                Notifications.error(I18n.refusal(rejected));
            }
        });
        confirm.setCancelable(true);
        confirm.setCancelText(getTranslation("common.cancel"));
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }
}
