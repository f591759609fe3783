package org.histoscope.worklist.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.CaseWork;
import org.histoscope.cases.JobSummary;
import org.histoscope.review.QueueEntry;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.status.SystemStatusService;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.worklist.WorklistService;

/** The home page: each role's worklist (a user with several roles sees each of theirs). */
@Route("")
@Menu(title = "Home", order = 0)
@PermitAll
public class HomeView extends VerticalLayout implements HasDynamicTitle {

    private final Clock clock;

    public HomeView(WorklistService worklists, CurrentUser currentUser, Clock clock) {
        this.clock = clock;
        setWidthFull();
        DisplayFormats.learnTimeZone(com.vaadin.flow.component.UI.getCurrent());
        H2 title = new H2(getTranslation("worklist.title"));
        title.setId("worklist-title");
        add(title);
        boolean any = false;
        if (currentUser.hasRole(Roles.PATHOLOGIST)) {
            add(pathologist(worklists.pathologist()));
            any = true;
        }
        if (currentUser.hasRole(Roles.REVIEWER)) {
            add(reviewer(worklists.reviewer()));
            any = true;
        }
        if (currentUser.hasRole(Roles.ADMIN)) {
            add(administrator(worklists.administrator()));
            any = true;
        }
        if (!any) {
            add(new Paragraph(getTranslation("worklist.none")));
        }
    }

    private Div pathologist(WorklistService.PathologistWorklist work) {
        Paragraph summary = new Paragraph(getTranslation("worklist.pathologist.unfinished",
                String.valueOf(work.unfinishedCases())));
        summary.setId("worklist-unfinished");
        Anchor all = new Anchor("cases", getTranslation("worklist.pathologist.allCases"));
        Div section = section("worklist-pathologist", getTranslation("worklist.pathologist.title"), summary, all);
        section.add(new H4(getTranslation("worklist.pathologist.pending")),
                list("worklist-pending-jobs", work.withPendingJobs(), c -> link("case/" + c.caseId(),
                        caseLine(c.caseSummary()) + " · " + getTranslation("worklist.pathologist.running",
                                String.valueOf(c.pendingJobs())))));
        section.add(new H4(getTranslation("worklist.pathologist.results")),
                list("worklist-results", work.results(), r -> link("result/" + r.entry().predictionId(),
                        r.caseSummary().accessionNumber() + " · " + r.entry().imageName() + ": "
                                + modelLabel(r.entry()) + " · " + reviewState(r.entry()) + " · "
                                + getTranslation("worklist.ago", age(r.entry().predictedAt())))));
        section.add(new H4(getTranslation("worklist.pathologist.ready")),
                list("worklist-ready", work.readyToFinalize(), c -> link("finalize/" + c.caseId(),
                        caseLine(c.caseSummary()))));
        return section;
    }

    private Div reviewer(WorklistService.ReviewerWorklist work) {
        Paragraph total = new Paragraph(getTranslation("worklist.reviewer.total", String.valueOf(work.total())));
        total.setId("worklist-review-total");
        Grid<WorklistService.Result> grid = new Grid<>();
        grid.addColumn(r -> r.caseSummary().patient().fullName()).setHeader(getTranslation("worklist.column.patient"))
                .setFlexGrow(2);
        grid.addColumn(r -> r.caseSummary().patient().mrn()).setHeader(getTranslation("worklist.column.mrn"));
        grid.addColumn(r -> r.entry().accessionNumber()).setHeader(getTranslation("worklist.column.case"));
        grid.addColumn(r -> r.entry().imageName()).setHeader(getTranslation("worklist.column.image")).setFlexGrow(2);
        grid.addColumn(r -> modelLabel(r.entry())).setHeader(getTranslation("worklist.column.label"));
        grid.addColumn(r -> age(r.entry().predictedAt())).setHeader(getTranslation("worklist.column.waiting"))
                .setTextAlign(ColumnTextAlign.END);
        grid.addComponentColumn(r -> link("review/sign/" + r.entry().predictionId(),
                getTranslation("worklist.reviewer.open"))).setHeader(getTranslation("worklist.column.review"));
        grid.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setItems(work.waiting());
        grid.setAllRowsVisible(true);
        grid.setEmptyStateText(getTranslation("worklist.reviewer.empty"));
        grid.setId("worklist-review");
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate("review/sign/" + e.getItem().entry().predictionId())));
        return section("worklist-reviewer", getTranslation("worklist.reviewer.title"), total, grid,
                new Anchor("review", getTranslation("worklist.reviewer.queue")));
    }

    private Div administrator(SystemStatusService.SystemStatus status) {
        Div health = new Div(
                fact(getTranslation("worklist.admin.device"), status.device().name(), "worklist-device"),
                fact(getTranslation("worklist.admin.model"), status.activeModel().map(m -> m.name() + " " + m.version())
                        .orElse(getTranslation("worklist.admin.noModel")), "worklist-model"),
                fact(getTranslation("worklist.admin.database"), health(status.database()), "worklist-db"),
                fact(getTranslation("worklist.admin.disk"), health(status.disk()), "worklist-disk"),
                fact(getTranslation("worklist.admin.queue"), getTranslation("worklist.admin.queueCounts",
                        String.valueOf(status.queue().queued()), String.valueOf(status.queue().running()),
                        String.valueOf(status.queue().failed())), "worklist-queue"));
        Grid<JobSummary> failures = new Grid<>();
        failures.addColumn(JobSummary::imageName).setHeader(getTranslation("worklist.column.image"));
        failures.addColumn(j -> DisplayFormats.dateTime(j.finishedAt())).setHeader(getTranslation("worklist.column.failed"));
        failures.addColumn(job -> job.errorReason() == null ? "" : I18n.text(job.errorReason())).setHeader(getTranslation("worklist.column.reason")).setFlexGrow(3);
        failures.addComponentColumn(j -> link("case/" + j.caseId(), getTranslation("worklist.admin.openCase")))
                .setHeader(getTranslation("worklist.column.case"));
        failures.addThemeVariants(GridVariant.LUMO_WRAP_CELL_CONTENT);
        failures.setItems(status.queue().recentFailures());
        failures.setAllRowsVisible(true);
        failures.setEmptyStateText(getTranslation("worklist.admin.noFailures"));
        failures.setId("worklist-failed-jobs");
        return section("worklist-admin", getTranslation("worklist.admin.title"), health,
                new H4(getTranslation("worklist.admin.failedJobs")), failures,
                new Anchor("admin/status", getTranslation("worklist.admin.status")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("worklist.pageTitle");
    }

    private String caseLine(CaseSummary c) {
        return c.accessionNumber() + " · " + c.patient().fullName() + " (" + c.patient().mrn() + ")";
    }

    private String modelLabel(QueueEntry entry) {
        return entry.indeterminate() ? getTranslation("worklist.indeterminate")
                : String.format(DisplayFormats.locale(), "%s, p = %.3f", entry.predictedLabel(), entry.probability());
    }

    private String reviewState(QueueEntry entry) {
        return entry.reviewed() ? getTranslation("worklist.reviewed", entry.finalLabel())
                : getTranslation("worklist.notReviewed");
    }

    private String health(SystemStatusService.ComponentHealth health) {
        return health.code().orElse(getTranslation("worklist.admin.notReported"))
                + (health.details().isEmpty() ? "" : " · " + health.details());
    }

    /** How long ago, in the largest two units: "2 d 4 h", "3 h 5 min", "12 min". */
    String age(Instant since) {
        Duration age = Duration.between(since, clock.instant());
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        if (age.toDays() > 0) {
            return getTranslation("worklist.age.days", String.valueOf(age.toDays()), String.valueOf(age.toHoursPart()));
        }
        if (age.toHours() > 0) {
            return getTranslation("worklist.age.hours", String.valueOf(age.toHours()),
                    String.valueOf(age.toMinutesPart()));
        }
        return getTranslation("worklist.age.minutes", String.valueOf(age.toMinutes()));
    }

    private <T> Component list(String id, List<T> items, Function<T, Component> line) {
        if (items.isEmpty()) {
            Paragraph none = new Paragraph(getTranslation("worklist.empty"));
            none.addClassName("hint");
            none.setId(id);
            return none;
        }
        UnorderedList list = new UnorderedList();
        items.forEach(item -> list.add(new ListItem(line.apply(item))));
        list.setId(id);
        return list;
    }

    private static Anchor link(String href, String text) {
        return new Anchor(href, text);
    }

    private static Div fact(String name, String value, String id) {
        Span label = new Span(name);
        label.addClassName("fact-label");
        Span text = new Span(value);
        text.setId(id);
        return new Div(label, text);
    }

    private static Div section(String id, String title, Component... parts) {
        Div section = new Div(new H3(title));
        section.add(parts);
        section.setId(id);
        section.addClassName("worklist-section");
        section.setWidthFull();
        return section;
    }
}
