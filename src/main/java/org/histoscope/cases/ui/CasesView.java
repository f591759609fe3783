package org.histoscope.cases.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.Shortcuts;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.spring.data.VaadinSpringDataHelpers;
import jakarta.annotation.security.RolesAllowed;
import java.time.Clock;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.users.UserDirectory;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.cases.CaseFilter;
import org.histoscope.cases.CaseOutcomes;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;

@Route("cases")
@Menu(title = "Cases", order = 10)
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
public class CasesView extends VerticalLayout implements HasDynamicTitle {

    private final TextField search = new TextField();
    private final Select<CaseStatus> status = new Select<>();
    private final Grid<CaseSummary> grid = new Grid<>();
    private CaseSummary focused;

    public CasesView(CaseService service, CaseOutcomes outcomes, UserDirectory users, CurrentUser currentUser,
                     Clock clock) {
        setSizeFull();
        DisplayFormats.learnTimeZone(com.vaadin.flow.component.UI.getCurrent());
        search.setPlaceholder(getTranslation("cases.search"));
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setWidth("22rem");
        search.setId("case-search");
        search.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        status.setItems(CaseStatus.values());
        status.setEmptySelectionAllowed(true);
        status.setEmptySelectionCaption(getTranslation("cases.anyStatus"));
        status.setItemLabelGenerator(s -> s == null ? getTranslation("cases.anyStatus") : CaseBadges.statusText(s));
        status.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        status.setAriaLabel(getTranslation("cases.column.status"));

        Button create = new Button(getTranslation("cases.new"), VaadinIcon.PLUS.create(), e -> new CaseDialog(service, clock, users, null, saved -> {
            Notifications.success(getTranslation("cases.created", saved.accessionNumber()));
            getUI().ifPresent(ui -> ui.navigate(CaseDetailView.class, saved.id()));
        }).open());
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setId("new-case");
        create.setVisible(currentUser.hasRole(Roles.PATHOLOGIST));

        grid.addColumn(CaseSummary::accessionNumber).setHeader(getTranslation("cases.column.accession")).setSortProperty("accessionNumber")
                .setAutoWidth(true);
        grid.addColumn(c -> c.patient().label()).setHeader(getTranslation("cases.column.patient")).setSortProperty("patient.fullName")
                .setAutoWidth(true);
        grid.addColumn(CaseSummary::specimen).setHeader(getTranslation("cases.column.specimen")).setAutoWidth(true)
                .setTooltipGenerator(c -> c.site() == null ? c.specimen() : c.specimen() + " · " + c.site());
        grid.addComponentColumn(c -> CaseBadges.status(c.status())).setHeader(getTranslation("cases.column.status")).setSortProperty("status")
                .setAutoWidth(true);
        grid.addColumn(c -> c.assignedPathologist() == null ? "" : c.assignedPathologist()).setHeader(getTranslation("cases.column.pathologist"));
        grid.addColumn(c -> c.status() == CaseStatus.SIGNED_OUT ? outcomes.finalDiagnosisLine(c.id()).orElse("") : "")
                .setHeader(getTranslation("cases.column.finalDiagnosis")).setFlexGrow(1);
        grid.addColumn(c -> DisplayFormats.dateTime(c.updatedAt())).setHeader(getTranslation("cases.column.updated")).setSortProperty("updatedAt")
                .setAutoWidth(true);
        grid.setItems(query -> service.searchCases(filter(), VaadinSpringDataHelpers.toSpringPageRequest(query)).stream(),
                query -> (int) service.countCases(filter()));
        grid.setEmptyStateText(getTranslation("cases.empty"));
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(CaseDetailView.class, e.getItem().id())));
        grid.addCellFocusListener(e -> focused = e.getItem().orElse(null));
        // keyboard users open the focused row with Enter, as mouse users do with a click
        Shortcuts.addShortcutListener(grid, () -> {
            if (focused != null) {
                getUI().ifPresent(ui -> ui.navigate(CaseDetailView.class, focused.id()));
            }
        }, Key.ENTER).listenOn(grid);
        grid.setId("cases-grid");

        HorizontalLayout toolbar = new HorizontalLayout(search, status, create);
        toolbar.setAlignItems(Alignment.BASELINE);
        add(new H2(getTranslation("cases.title")), toolbar, grid);
        expand(grid);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("cases.pageTitle");
    }

    private CaseFilter filter() {
        return new CaseFilter(search.getValue(), status.getValue());
    }

}
