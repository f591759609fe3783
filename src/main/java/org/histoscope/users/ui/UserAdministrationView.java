package org.histoscope.users.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Supplier;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.users.AccountSource;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAccountSummary;
import org.histoscope.users.UserAdministrationException;

/** Administrators manage accounts: create, edit roles, disable/enable, reset passwords, unlock. */
@Route("admin/users")
@PageTitle("Users | Histoscope")
@Menu(title = "Users", order = 80)
@RolesAllowed(Roles.ADMIN)
public class UserAdministrationView extends VerticalLayout {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    private final UserAccountService accounts;
    private final Grid<UserAccountSummary> grid = new Grid<>(UserAccountSummary.class, false);
    private final TextField search = new TextField();
    private final Button edit = new Button("Edit", VaadinIcon.EDIT.create());
    private final Button resetPassword = new Button("Reset password", VaadinIcon.KEY.create());
    private final Button toggleEnabled = new Button("Disable");
    private final Button unlock = new Button("Unlock", VaadinIcon.UNLOCK.create());

    public UserAdministrationView(UserAccountService accounts, SecuritySettingsService settings) {
        this.accounts = accounts;
        setSizeFull();

        search.setPlaceholder("Search by user name, name or e-mail");
        search.setId("user-search");
        search.setClearButtonVisible(true);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setWidth("22em");
        search.addValueChangeListener(e -> refresh());

        Button create = new Button("New user", VaadinIcon.PLUS.create(), e -> openCreate());
        create.setId("new-user");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        edit.setId("edit-user");
        edit.addClickListener(e -> selected().ifPresent(this::openEdit));
        resetPassword.setId("reset-password");
        resetPassword.addClickListener(e -> selected().ifPresent(this::openReset));
        toggleEnabled.setId("toggle-enabled");
        toggleEnabled.addClickListener(e -> selected().ifPresent(this::confirmToggleEnabled));
        unlock.setId("unlock-user");
        unlock.addClickListener(e -> selected().ifPresent(this::confirmUnlock));

        HorizontalLayout toolbar = new HorizontalLayout(search, create, edit, resetPassword, toggleEnabled, unlock);
        toolbar.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        toolbar.setWrap(true);

        grid.setId("users-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(UserAccountSummary::username).setHeader("User name").setAutoWidth(true);
        grid.addColumn(UserAccountSummary::fullName).setHeader("Full name").setAutoWidth(true);
        grid.addColumn(u -> u.email() == null ? "" : u.email()).setHeader("E-mail").setAutoWidth(true);
        // LDAP / OIDC accounts take their name and roles from the directory at every sign-in
        grid.addColumn(u -> u.source() == AccountSource.LOCAL ? "local" : u.source().name()).setHeader("Source")
                .setAutoWidth(true);
        grid.addColumn(u -> String.join(", ", new java.util.TreeSet<>(u.roles()))).setHeader("Roles")
                .setAutoWidth(true);
        grid.addComponentColumn(this::statusBadges).setHeader("Status").setWidth("20em").setFlexGrow(0);
        grid.addColumn(u -> TIME.format(u.updatedAt()) + " by " + u.updatedBy()).setHeader("Last change")
                .setAutoWidth(true);
        grid.setItems(query -> accounts.search(search.getValue(), query.getOffset(), query.getLimit()).stream(),
                query -> (int) accounts.count(search.getValue()));
        grid.asSingleSelect().addValueChangeListener(e -> updateButtons());
        updateButtons();

        add(new H2("Users"), toolbar, grid, new SegregationSetting(settings));
        expand(grid);
    }

    private HorizontalLayout statusBadges(UserAccountSummary user) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        badges.add(badge(user.enabled() ? "Enabled" : "Disabled", user.enabled() ? "success" : "contrast"));
        if (user.locked()) {
            badges.add(badge("Locked until " + TIME.format(user.lockedUntil()), "error"));
        }
        if (user.mustChangePassword()) {
            badges.add(badge("Must change password", ""));
        }
        return badges;
    }

    private static Span badge(String text, String variant) {
        Span badge = new Span(text);
        badge.getElement().getThemeList().add(("badge " + variant).trim());
        return badge;
    }

    private Optional<UserAccountSummary> selected() {
        return grid.asSingleSelect().getOptionalValue();
    }

    private void updateButtons() {
        Optional<UserAccountSummary> user = selected();
        edit.setEnabled(user.isPresent());
        resetPassword.setEnabled(user.isPresent());
        toggleEnabled.setEnabled(user.isPresent());
        toggleEnabled.setText(user.map(u -> u.enabled() ? "Disable" : "Enable").orElse("Disable"));
        unlock.setEnabled(user.map(UserAccountSummary::locked).orElse(false));
    }

    private void openCreate() {
        new UserFormDialog(null, form -> attempt(() -> accounts.create(form.toNewUser()), "User created")).open();
    }

    private void openEdit(UserAccountSummary user) {
        new UserFormDialog(user, form -> attempt(() -> accounts.update(user.username(), form.toChanges()),
                "User updated")).open();
    }

    private void openReset(UserAccountSummary user) {
        new ResetPasswordDialog(user.username(), password -> attempt(
                () -> accounts.resetPassword(user.username(), password),
                "Password reset; " + user.username() + " must change it at the next sign-in")).open();
    }

    private void confirmToggleEnabled(UserAccountSummary user) {
        boolean enable = !user.enabled();
        ConfirmDialog dialog = new ConfirmDialog(
                (enable ? "Enable " : "Disable ") + user.username() + "?",
                enable ? "The user will be able to sign in again."
                        : "The user will no longer be able to sign in. Their records and audit trail stay.",
                enable ? "Enable" : "Disable",
                e -> attempt(() -> accounts.setEnabled(user.username(), enable),
                        enable ? "User enabled" : "User disabled"));
        dialog.setCancelable(true);
        if (!enable) {
            dialog.setConfirmButtonTheme("error primary");
        }
        dialog.setId("confirm-dialog");
        dialog.open();
    }

    private void confirmUnlock(UserAccountSummary user) {
        ConfirmDialog dialog = new ConfirmDialog("Unlock " + user.username() + "?",
                "The account was locked after repeated failed sign-ins. Unlock it only when you are sure the "
                        + "attempts were the user's own.",
                "Unlock", e -> attempt(() -> accounts.unlock(user.username()), "Account unlocked"));
        dialog.setCancelable(true);
        dialog.setId("confirm-dialog");
        dialog.open();
    }

    /** Runs an administrative change, shows the outcome, and returns whether it succeeded (dialogs stay open if not). */
    private boolean attempt(Supplier<UserAccountSummary> change, String success) {
        try {
            UserAccountSummary changed = change.get();
            Notifications.success(success);
            refresh();
            grid.select(changed);
            return true;
        } catch (PasswordPolicyViolation e) {
            Notifications.error(String.join(" ", e.problems()));
        } catch (UserAdministrationException e) {
            Notifications.error(e.userMessage());
        }
        return false;
    }

    private void refresh() {
        grid.getDataProvider().refreshAll();
        updateButtons();
    }
}
