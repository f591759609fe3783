package org.histoscope.status.ui;

import org.histoscope.ui.I18n;
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
import com.vaadin.flow.router.HasDynamicTitle;
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
@Menu(title = "System status", order = 90)
@RolesAllowed(Roles.ADMIN)
public class SystemStatusView extends VerticalLayout implements HasDynamicTitle {

    private final SystemStatusService status;
    private final Div content = new Div();

    public SystemStatusView(SystemStatusService status) {
        this.status = status;
        Button refresh = new Button(getTranslation("status.refresh"), VaadinIcon.REFRESH.create(), e -> render());
        refresh.setId("status-refresh");
        add(new H2(getTranslation("status.title")), refresh, content);
        render();
    }

    private void render() {
        content.removeAll();
        SystemStatusService.SystemStatus now = status.current();
        InferenceDevice device = now.device();
        content.add(section(getTranslation("status.device"), fact(getTranslation("status.device.name"), device.name(), "status-device"),
                fact(getTranslation("status.device.why"), device.reason(), null),
                fact(getTranslation("status.device.threads"), device.intraOpThreads() == 0
                        ? getTranslation("status.device.threadsDefault") : String.valueOf(device.intraOpThreads()), null)));
        content.add(section(getTranslation("status.model"), now.activeModel()
                .map(m -> fact(getTranslation("status.model.name"), getTranslation("status.model.line", m.name(),
                        m.version(), m.modelId(), m.threshold(), DisplayFormats.dateTime(m.addedAt())), "status-model"))
                .orElse(fact(getTranslation("status.model.name"), getTranslation("status.model.none"), "status-model"))));

        PredictionJobService.QueueStatus queue = now.queue();
        Grid<JobSummary> failures = new Grid<>();
        failures.addColumn(JobSummary::id).setHeader(getTranslation("status.queue.job")).setAutoWidth(true);
        failures.addColumn(JobSummary::imageName).setHeader(getTranslation("status.queue.image")).setAutoWidth(true);
        failures.addColumn(j -> DisplayFormats.dateTime(j.finishedAt())).setHeader(getTranslation("status.queue.failedAt")).setAutoWidth(true);
        failures.addColumn(job -> job.errorReason() == null ? "" : I18n.text(job.errorReason())).setHeader(getTranslation("status.queue.reason"));
        failures.setItems(queue.recentFailures());
        failures.setAllRowsVisible(true);
        failures.setEmptyStateText(getTranslation("status.queue.noFailures"));
        content.add(section(getTranslation("status.queue"),
                fact(getTranslation("status.queue.queued"), String.valueOf(queue.queued()), "status-queued"),
                fact(getTranslation("status.queue.running"), String.valueOf(queue.running()), null),
                fact(getTranslation("status.queue.done"), String.valueOf(queue.done()), null),
                fact(getTranslation("status.queue.failed"), String.valueOf(queue.failed()), "status-failed"), failures));

        content.add(section(getTranslation("status.database"), healthOf(now.database(), "status-db")));
        CaseImageService.StorageStatus storage = now.storage();
        content.add(section(getTranslation("status.disk"), healthOf(now.disk(), "status-disk"),
                fact(getTranslation("status.disk.store"), storage.freeBytes() < 0
                        ? getTranslation("status.disk.storeUnknown", storage.directory(), storage.storedImages())
                        : getTranslation("status.disk.storeLine", storage.directory(),
                                DataSize.ofBytes(storage.freeBytes()).toGigabytes(),
                                DataSize.ofBytes(storage.totalBytes()).toGigabytes(), storage.storedImages()),
                        "status-storage")));
    }

    private Component healthOf(SystemStatusService.ComponentHealth health, String id) {
        if (health.code().isEmpty()) {
            return fact(getTranslation("status.health"), getTranslation("status.health.notReported"), id);
        }
        Span badge = Badges.badge(health.code().get(), health.up() ? "success" : "error");
        badge.setId(id);
        Div line = new Div(badge);
        if (!health.details().isEmpty()) {
            line.add(new Span(" " + health.details()));
        }
        return line;
    }

    @Override
    public String getPageTitle() {
        return getTranslation("status.pageTitle");
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
