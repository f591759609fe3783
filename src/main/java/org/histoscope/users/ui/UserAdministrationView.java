package org.histoscope.users.ui;

import org.histoscope.ui.I18n;
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
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.Optional;
import java.util.function.Supplier;
import org.histoscope.security.PasswordPolicy.PasswordPolicyViolation;
import org.histoscope.security.Roles;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.ui.Notifications;
import org.histoscope.users.AccountSource;
import org.histoscope.users.SecuritySettingsService;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserAccountSummary;
import org.histoscope.users.UserAdministrationException;

/** Administrators manage accounts: create, edit roles, disable/enable, reset passwords, unlock. */
@Route("admin/users")
@Menu(title = "Users", order = 80)
@RolesAllowed(Roles.ADMIN)
public class UserAdministrationView extends VerticalLayout implements HasDynamicTitle {

    private final UserAccountService accounts;
    private final Grid<UserAccountSummary> grid = new Grid<>(UserAccountSummary.class, false);
    private final TextField search = new TextField();
    private final Button edit = new Button(getTranslation("users.edit"), VaadinIcon.EDIT.create());
    private final Button resetPassword = new Button(getTranslation("users.resetPassword"), VaadinIcon.KEY.create());
    private final Button toggleEnabled = new Button(getTranslation("users.disable"));
    private final Button unlock = new Button(getTranslation("users.unlock"), VaadinIcon.UNLOCK.create());

    public UserAdministrationView(UserAccountService accounts, SecuritySettingsService settings) {
        this.accounts = accounts;
        setSizeFull();

        search.setPlaceholder(getTranslation("users.search"));
        search.setId("user-search");
        search.setClearButtonVisible(true);
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setWidth("22em");
        search.addValueChangeListener(e -> refresh());

        Button create = new Button(getTranslation("users.new"), VaadinIcon.PLUS.create(), e -> openCreate());
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
        grid.addColumn(UserAccountSummary::username).setHeader(getTranslation("users.column.username")).setAutoWidth(true);
        grid.addColumn(UserAccountSummary::fullName).setHeader(getTranslation("users.column.fullName")).setAutoWidth(true);
        grid.addColumn(u -> u.email() == null ? "" : u.email()).setHeader(getTranslation("users.column.email")).setAutoWidth(true);
        // LDAP / OIDC accounts take their name and roles from the directory at every sign-in
        grid.addColumn(u -> u.source() == AccountSource.LOCAL ? getTranslation("users.source.local") : u.source().name())
                .setHeader(getTranslation("users.column.source"))
                .setAutoWidth(true);
        grid.addColumn(u -> String.join(", ", new java.util.TreeSet<>(u.roles()).stream()
                        .map(role -> getTranslation("role." + role)).toList()))
                .setHeader(getTranslation("users.column.roles"))
                .setAutoWidth(true);
        grid.addComponentColumn(this::statusBadges).setHeader(getTranslation("users.column.status")).setWidth("20em").setFlexGrow(0);
        grid.addColumn(u -> u.language() == null ? getTranslation("language.browser")
                        : getTranslation("language." + u.language().name().toLowerCase()))
                .setHeader(getTranslation("users.column.language")).setAutoWidth(true);
        grid.addColumn(u -> getTranslation("users.lastChange", DisplayFormats.dateTime(u.updatedAt()), u.updatedBy()))
                .setHeader(getTranslation("users.column.lastChange")).setAutoWidth(true);
        grid.setItems(query -> accounts.search(search.getValue(), query.getOffset(), query.getLimit()).stream(),
                query -> (int) accounts.count(search.getValue()));
        grid.asSingleSelect().addValueChangeListener(e -> updateButtons());
        updateButtons();

        add(new H2(getTranslation("users.title")), toolbar, grid, new SegregationSetting(settings));
        expand(grid);
    }

    private HorizontalLayout statusBadges(UserAccountSummary user) {
        HorizontalLayout badges = new HorizontalLayout();
        badges.setSpacing(false);
        badges.getStyle().set("gap", "var(--lumo-space-xs)");
        badges.add(badge(getTranslation(user.enabled() ? "users.status.enabled" : "users.status.disabled"), user.enabled() ? "success" : "contrast"));
        if (user.locked()) {
            badges.add(badge(getTranslation("users.status.lockedUntil", DisplayFormats.dateTime(user.lockedUntil())), "error"));
        }
        if (user.mustChangePassword()) {
            badges.add(badge(getTranslation("users.status.mustChangePassword"), ""));
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
        toggleEnabled.setText(getTranslation(user.map(u -> u.enabled() ? "users.disable" : "users.enable")
                .orElse("users.disable")));
        unlock.setEnabled(user.map(UserAccountSummary::locked).orElse(false));
    }

    private void openCreate() {
        new UserFormDialog(null, form -> attempt(() -> {
            UserAccountSummary created = accounts.create(form.toNewUser());
            return form.language() == null ? created : accounts.setLanguage(created.username(), form.language());
        }, getTranslation("users.created"))).open();
    }

    private void openEdit(UserAccountSummary user) {
        new UserFormDialog(user, form -> attempt(() -> {
            // a directory account's name and roles come from the directory; only its language is ours
            if (user.source() == AccountSource.LOCAL) {
                accounts.update(user.username(), form.toChanges());
            }
            return accounts.setLanguage(user.username(), form.language());
        }, getTranslation("users.updated"))).open();
    }

    private void openReset(UserAccountSummary user) {
        new ResetPasswordDialog(user.username(), password -> attempt(
                () -> accounts.resetPassword(user.username(), password),
                getTranslation("users.reset.done", user.username()))).open();
    }

    private void confirmToggleEnabled(UserAccountSummary user) {
        boolean enable = !user.enabled();
        ConfirmDialog dialog = new ConfirmDialog(
                getTranslation(enable ? "users.enable.question" : "users.disable.question", user.username()),
                getTranslation(enable ? "users.enable.explanation" : "users.disable.explanation"),
                getTranslation(enable ? "users.enable" : "users.disable"),
                e -> attempt(() -> accounts.setEnabled(user.username(), enable),
                        getTranslation(enable ? "users.enabled" : "users.disabled")));
        dialog.setCancelable(true);
        dialog.setCancelText(getTranslation("common.cancel"));
        if (!enable) {
            dialog.setConfirmButtonTheme("error primary");
        }
        dialog.setId("confirm-dialog");
        dialog.open();
    }

    private void confirmUnlock(UserAccountSummary user) {
        ConfirmDialog dialog = new ConfirmDialog(getTranslation("users.unlock.question", user.username()),
                getTranslation("users.unlock.explanation"), getTranslation("users.unlock"),
                e -> attempt(() -> accounts.unlock(user.username()), getTranslation("users.unlocked")));
        dialog.setCancelable(true);
        dialog.setCancelText(getTranslation("common.cancel"));
        dialog.setId("confirm-dialog");
        dialog.open();
    }

    @Override
    public String getPageTitle() {
        return getTranslation("users.pageTitle");
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
            Notifications.error(I18n.joined(e.texts()));
        } catch (UserAdministrationException e) {
            Notifications.error(I18n.refusal(e));
        }
        return false;
    }

    private void refresh() {
        grid.getDataProvider().refreshAll();
        updateButtons();
    }
}
