package org.histoscope.status.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.springframework.util.unit.DataSize;
import org.histoscope.ui.Badges;
import org.histoscope.status.SystemStatusService;

/** For administrators: where inference runs, which model is active, the job queue, the database and the disk. */
@Route("admin/status")
@PageTitle("System status | Histoscope")
@Menu(title = "System status", order = 90)
@RolesAllowed(Roles.ADMIN)
public class SystemStatusView extends VerticalLayout {

    private final SystemStatusService status;
    private final Div content = new Div();

    public SystemStatusView(SystemStatusService status) {
        this.status = status;
        Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> render());
        refresh.setId("status-refresh");
        add(new H2("System status"), refresh, content);
        render();
    }

    private void render() {
        content.removeAll();
        SystemStatusService.SystemStatus now = status.current();
        InferenceDevice device = now.device();
        content.add(section("Inference device", fact("Device", device.name(), "status-device"),
                fact("Why", device.reason(), null),
                fact("Intra-op threads", device.intraOpThreads() == 0 ? "ONNX Runtime default" : String.valueOf(device.intraOpThreads()), null)));
        content.add(section("Active model", now.activeModel()
                .map(m -> fact("Model", m.name() + " " + m.version() + " (" + m.modelId() + "), threshold "
                        + m.threshold() + ", added " + DisplayFormats.dateTime(m.addedAt()), "status-model"))
                .orElse(fact("Model", "No active model: predictions will fail until an administrator activates one.", "status-model"))));

        PredictionJobService.QueueStatus queue = now.queue();
        Grid<JobSummary> failures = new Grid<>();
        failures.addColumn(JobSummary::id).setHeader("Job").setAutoWidth(true);
        failures.addColumn(JobSummary::imageName).setHeader("Image").setAutoWidth(true);
        failures.addColumn(j -> DisplayFormats.dateTime(j.finishedAt())).setHeader("Failed").setAutoWidth(true);
        failures.addColumn(JobSummary::errorMessage).setHeader("Reason");
        failures.setItems(queue.recentFailures());
        failures.setAllRowsVisible(true);
        failures.setEmptyStateText("No failed jobs.");
        content.add(section("Prediction queue",
                fact("Queued", String.valueOf(queue.queued()), "status-queued"),
                fact("Running", String.valueOf(queue.running()), null),
                fact("Done", String.valueOf(queue.done()), null),
                fact("Failed", String.valueOf(queue.failed()), "status-failed"), failures));

        content.add(section("Database", healthOf(now.database(), "status-db")));
        CaseImageService.StorageStatus storage = now.storage();
        content.add(section("Disk", healthOf(now.disk(), "status-disk"),
                fact("Image store", storage.directory() + " — " + (storage.freeBytes() < 0 ? "free space unknown"
                        : DataSize.ofBytes(storage.freeBytes()).toGigabytes() + " GB free of "
                        + DataSize.ofBytes(storage.totalBytes()).toGigabytes() + " GB") + ", "
                        + storage.storedImages() + " uploaded images", "status-storage")));
    }

    private static Component healthOf(SystemStatusService.ComponentHealth health, String id) {
        if (health.code().isEmpty()) {
            return fact("Status", "not reported", id);
        }
        Span badge = Badges.badge(health.code().get(), health.up() ? "success" : "error");
        badge.setId(id);
        Div line = new Div(badge);
        if (!health.details().isEmpty()) {
            line.add(new Span(" " + health.details()));
        }
        return line;
    }

    private static Div section(String title, Component... parts) {
        Div section = new Div(new H3(title));
        section.add(parts);
        section.addClassName("status-section");
        return section;
    }

    private static Div fact(String name, String value, String id) {
        Span label = new Span(name);
        label.addClassName("fact-label");
        Span text = new Span(value);
        if (id != null) {
            text.setId(id);
        }
        return new Div(label, text);
    }
}
