package org.histoscope.cases.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
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
import org.histoscope.cases.CaseService;
import org.histoscope.cases.PatientSummary;

@Route("patients")
@Menu(title = "Patients", order = 20)
@RolesAllowed(Roles.PATHOLOGIST)
public class PatientsView extends VerticalLayout implements HasDynamicTitle {

    private final CaseService service;
    private final TextField search = new TextField();
    private final Grid<PatientSummary> grid = new Grid<>();

    public PatientsView(CaseService service, CurrentUser currentUser, Clock clock) {
        this.service = service;
        setSizeFull();
        search.setPlaceholder(getTranslation("case.form.patientSearch"));
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        search.setId("patient-search");

        Button create = new Button(getTranslation("patients.new"), VaadinIcon.PLUS.create(),
                e -> new PatientDialog(service, clock, null, saved -> refresh(getTranslation("patients.created", saved.mrn()))).open());
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        create.setId("new-patient");
        create.setVisible(currentUser.hasRole(Roles.PATHOLOGIST));

        grid.addColumn(PatientSummary::mrn).setHeader(getTranslation("patients.form.mrn")).setSortProperty("mrn").setAutoWidth(true);
        grid.addColumn(PatientSummary::fullName).setHeader(getTranslation("patients.column.name")).setSortProperty("fullName");
        grid.addColumn(p -> DisplayFormats.date(p.dateOfBirth())).setHeader(getTranslation("patients.form.dateOfBirth")).setSortProperty("dateOfBirth");
        grid.addColumn(p -> getTranslation("sex." + p.sex().name())).setHeader(getTranslation("patients.form.sex"));
        grid.setItems(query -> service.searchPatients(search.getValue(), VaadinSpringDataHelpers.toSpringPageRequest(query)).stream(),
                query -> (int) service.countPatients(search.getValue()));
        grid.setEmptyStateText(getTranslation("patients.empty"));
        if (currentUser.hasRole(Roles.PATHOLOGIST)) {
            grid.addItemDoubleClickListener(e -> new PatientDialog(service, clock, e.getItem(),
                    saved -> refresh(getTranslation("patients.saved", saved.mrn()))).open());
        }
        grid.setId("patients-grid");

        HorizontalLayout toolbar = new HorizontalLayout(search, create);
        add(new H2(getTranslation("patients.title")), toolbar, grid);
        expand(grid);
    }

    private void refresh(String message) {
        grid.getDataProvider().refreshAll();
        Notifications.success(message);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("patients.pageTitle");
    }
}
