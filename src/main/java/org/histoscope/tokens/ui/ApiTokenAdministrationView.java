package org.histoscope.tokens.ui;

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
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
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
@PageTitle("API tokens | Histoscope")
@Menu(title = "API tokens", order = 85)
@RolesAllowed(Roles.ADMIN)
public class ApiTokenAdministrationView extends VerticalLayout {

    private final ApiTokenService tokens;
    private final Grid<ApiTokenSummary> grid = new Grid<>(ApiTokenSummary.class, false);

    private final Clock clock;

    public ApiTokenAdministrationView(ApiTokenService tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
        setSizeFull();
        Button create = new Button("New token", VaadinIcon.PLUS.create(), e -> openCreate());
        create.setId("new-api-token");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        grid.setId("api-tokens");
        grid.addColumn(ApiTokenSummary::name).setHeader("Integration").setAutoWidth(true);
        grid.addColumn(t -> t.secretPrefix() + "…").setHeader("Token starts with").setAutoWidth(true);
        grid.addColumn(t -> String.join(", ", t.roles())).setHeader("Roles").setAutoWidth(true);
        grid.addColumn(ApiTokenSummary::requestsPerMinute).setHeader("Requests/min").setAutoWidth(true);
        grid.addColumn(t -> DisplayFormats.dateTime(t.expiresAt())).setHeader("Expires").setAutoWidth(true);
        grid.addColumn(t -> t.lastUsedAt() == null ? "never" : DisplayFormats.dateTime(t.lastUsedAt()))
                .setHeader("Last used").setAutoWidth(true);
        grid.addColumn(t -> t.revokedAt() != null ? "revoked by " + t.revokedBy() : t.usable() ? "active" : "expired")
                .setHeader("State").setAutoWidth(true);
        grid.addComponentColumn(t -> {
            Button revoke = new Button("Revoke", e -> confirmRevoke(t));
            revoke.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            revoke.setEnabled(t.revokedAt() == null);
            revoke.setId("revoke-" + t.name());
            return revoke;
        }).setAutoWidth(true);
        add(new H2("API tokens"), new Paragraph("Machines (a laboratory information system, a scanner workflow) "
                + "call the REST API under /api/v1 with a token sent as 'Authorization: Bearer …'. Every request is "
                + "audited with the token's name. A token does not sign in to these pages."), create, grid);
        refresh();
    }

    private void refresh() {
        grid.setItems(tokens.list());
    }

    private void openCreate() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New API token");
        TextField name = new TextField("Integration name");
        name.setId("api-token-name");
        name.setPlaceholder("lis-main");
        CheckboxGroup<String> roles = new CheckboxGroup<>("Roles");
        roles.setId("api-token-roles");
        roles.setItems(Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN);
        roles.setValue(Set.of(Roles.PATHOLOGIST));
        DatePicker expires = new DatePicker("Expires on (UTC)", LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(90));
        expires.setId("api-token-expires");
        expires.setMin(LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1));
        IntegerField perMinute = new IntegerField("Requests per minute");
        perMinute.setId("api-token-rate");
        perMinute.setValue(120);
        perMinute.setMin(1);
        Button save = new Button("Create", e -> {
            try {
                IssuedApiToken issued = tokens.create(new NewApiToken(name.getValue(), roles.getValue(),
                        expires.getValue() == null ? null : expires.getValue().atStartOfDay(ZoneOffset.UTC).toInstant(),
                        perMinute.getValue() == null ? 0 : perMinute.getValue()));
                dialog.close();
                refresh();
                showOnce(issued);
            } catch (ApiTokenRejectedException rejected) {
                Notifications.error(rejected.userMessage());
            } catch (ConstraintViolationException invalid) {
                Notifications.invalid(invalid);
            }
        });
        save.setId("create-api-token");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(name, roles, expires, perMinute));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void showOnce(IssuedApiToken issued) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Token for " + issued.token().name());
        TextField secret = new TextField("Token (shown only now)");
        secret.setId("api-token-secret");
        secret.setValue(issued.secret());
        secret.setReadOnly(true);
        secret.setWidth("36em");
        dialog.add(new Paragraph("Copy the token into the integration's configuration now. Histoscope keeps only a "
                + "hash of it and cannot show it again; if it is lost, revoke it and create a new one."), secret);
        Button done = new Button("I have copied it", e -> dialog.close());
        done.setId("close-api-token-secret");
        dialog.getFooter().add(done);
        dialog.open();
    }

    private void confirmRevoke(ApiTokenSummary token) {
        ConfirmDialog confirm = new ConfirmDialog("Revoke " + token.name() + "?",
                "Requests with this token are refused from now on. This cannot be undone.", "Revoke", e -> {
            try {
                tokens.revoke(token.id());
                refresh();
            } catch (ApiTokenRejectedException rejected) {
                Notifications.error(rejected.userMessage());
            }
        });
        confirm.setCancelable(true);
        confirm.setConfirmButtonTheme("error primary");
        confirm.open();
    }
}
