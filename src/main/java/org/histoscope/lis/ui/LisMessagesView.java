package org.histoscope.lis.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
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
@PageTitle("LIS messages | Histoscope")
@Menu(title = "LIS messages", order = 87)
@RolesAllowed(Roles.ADMIN)
public class LisMessagesView extends VerticalLayout {

    private final LisMessageService service;
    private final Grid<LisMessage> grid = new Grid<>(LisMessage.class, false);

    public LisMessagesView(LisMessageService service) {
        this.service = service;
        setSizeFull();
        grid.setId("lis-messages");
        grid.addColumn(LisMessage::accessionNumber).setHeader("Accession").setAutoWidth(true);
        grid.addColumn(LisMessage::reportVersion).setHeader("Report version").setAutoWidth(true);
        grid.addColumn(LisMessage::controlId).setHeader("Control id (MSH-10)").setAutoWidth(true);
        grid.addColumn(m -> m.state().name()).setHeader("State").setAutoWidth(true);
        grid.addColumn(LisMessage::attempts).setHeader("Attempts").setAutoWidth(true);
        grid.addColumn(m -> m.ackCode() == null ? "" : m.ackCode() + " " + m.ackText()).setHeader("LIS answer")
                .setAutoWidth(true);
        grid.addColumn(m -> m.lastError() == null ? "" : m.lastError()).setHeader("Problem").setFlexGrow(1);
        grid.addColumn(m -> m.nextAttemptAt() == null ? "" : DisplayFormats.dateTime(m.nextAttemptAt()))
                .setHeader("Next attempt").setAutoWidth(true);
        grid.addColumn(m -> m.acknowledgedAt() == null ? "" : DisplayFormats.dateTime(m.acknowledgedAt()))
                .setHeader("Acknowledged").setAutoWidth(true);
        grid.addComponentColumn(m -> {
            Button resend = new Button("Send again", e -> {
                service.resend(m.id());
                Notifications.success("Message " + m.controlId() + " queued again.");
                refresh();
            });
            resend.addThemeVariants(ButtonVariant.LUMO_SMALL);
            resend.setEnabled(m.state() == LisMessageState.REJECTED || m.state() == LisMessageState.FAILED);
            return resend;
        }).setAutoWidth(true);
        Button reload = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> refresh());
        add(new H2("Messages to the laboratory information system"), new Paragraph("Every report version (sign-out "
                + "and each amendment) is sent once as an HL7 v2.5.1 ORU^R01 over MLLP. A message waits here until "
                + "the LIS acknowledges it; attempts that fail are repeated with growing pauses."), reload, grid);
        refresh();
    }

    private void refresh() {
        grid.setItems(service.recent(500));
    }
}
