package org.histoscope.lis.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.lis.LisMessage;
import org.histoscope.lis.LisMessageService;
import org.histoscope.lis.LisMessageState;

/** Administrators see every HL7 message to the LIS, its state and the LIS's answer, and resend a refused one. */
@Route("admin/lis-messages")
@Menu(title = "LIS messages", order = 87)
@RolesAllowed(Roles.ADMIN)
public class LisMessagesView extends VerticalLayout implements HasDynamicTitle {

    private final LisMessageService service;
    private final Grid<LisMessage> grid = new Grid<>(LisMessage.class, false);

    public LisMessagesView(LisMessageService service) {
        this.service = service;
        setSizeFull();
        grid.setId("lis-messages");
        grid.addColumn(LisMessage::accessionNumber).setHeader(getTranslation("lis.column.accession")).setAutoWidth(true);
        grid.addColumn(LisMessage::reportVersion).setHeader(getTranslation("lis.column.version")).setAutoWidth(true);
        grid.addColumn(LisMessage::controlId).setHeader(getTranslation("lis.column.controlId")).setAutoWidth(true);
        grid.addColumn(m -> getTranslation("lis.state." + m.state().name())).setHeader(getTranslation("lis.column.state")).setAutoWidth(true);
        grid.addColumn(LisMessage::attempts).setHeader(getTranslation("lis.column.attempts")).setAutoWidth(true);
        grid.addColumn(m -> m.ackCode() == null ? "" : m.ackCode() + " " + m.ackText()).setHeader(getTranslation("lis.column.answer"))
                .setAutoWidth(true);
        grid.addColumn(m -> m.lastError() == null ? "" : m.lastError()).setHeader(getTranslation("lis.column.problem")).setFlexGrow(1);
        grid.addColumn(m -> m.nextAttemptAt() == null ? "" : DisplayFormats.dateTime(m.nextAttemptAt()))
                .setHeader(getTranslation("lis.column.nextAttempt")).setAutoWidth(true);
        grid.addColumn(m -> m.acknowledgedAt() == null ? "" : DisplayFormats.dateTime(m.acknowledgedAt()))
                .setHeader(getTranslation("lis.column.acknowledged")).setAutoWidth(true);
        grid.addComponentColumn(m -> {
            Button resend = new Button(getTranslation("lis.resend"), e -> {
                service.resend(m.id());
                Notifications.success(getTranslation("lis.resent", m.controlId()));
                refresh();
            });
            resend.addThemeVariants(ButtonVariant.LUMO_SMALL);
            resend.setEnabled(m.state() == LisMessageState.REJECTED || m.state() == LisMessageState.FAILED);
            return resend;
        }).setAutoWidth(true);
        Button reload = new Button(getTranslation("lis.refresh"), VaadinIcon.REFRESH.create(), e -> refresh());
        add(new H2(getTranslation("lis.title")), new Paragraph(getTranslation("lis.explanation")), reload, grid);
        refresh();
    }

    @Override
    public String getPageTitle() {
        return getTranslation("lis.pageTitle");
    }

    private void refresh() {
        grid.setItems(service.recent(500));
    }
}
