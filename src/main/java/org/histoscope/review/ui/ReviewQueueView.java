package org.histoscope.review.ui;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.Shortcuts;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.time.Instant;
import java.time.LocalDate;
import org.histoscope.cases.CaseWorkService;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Badges;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.review.QueueEntry;
import org.histoscope.review.QueueFilter;
import org.histoscope.review.ReviewQueueService;

/** Results waiting for review, unreviewed first; filters by model, date, label and disagreement. */
@Route("review")
@Menu(title = "Review queue", order = 30)
@RolesAllowed(Roles.REVIEWER)
public class ReviewQueueView extends VerticalLayout implements HasDynamicTitle {

    private final Select<String> show = new Select<>();
    private final Select<String> model = new Select<>();
    private final Select<String> label = new Select<>();
    private final DatePicker from = new DatePicker();
    private final DatePicker to = new DatePicker();
    private final Checkbox disagreement = new Checkbox();
    private final Select<QueueFilter.QueueOrder> order = new Select<>();
    private final Grid<QueueEntry> grid = new Grid<>();
    private QueueEntry focused;

    /** The patients of the shown page's cases, read once per page (cases.CaseWorkService), never once per row. */
    private final java.util.Map<Long, org.histoscope.cases.PatientSummary> patients = new java.util.HashMap<>();

    public ReviewQueueView(ReviewQueueService reviews, CaseWorkService caseWork) {
        setSizeFull();
        DisplayFormats.learnTimeZone(com.vaadin.flow.component.UI.getCurrent());
        from.setLabel(getTranslation("review.queue.from"));
        to.setLabel(getTranslation("review.queue.to"));
        disagreement.setLabel(getTranslation("review.queue.onlyDisagreements"));
        show.setLabel(getTranslation("review.queue.show"));
        show.setItems("Unreviewed", "All", "Reviewed");
        show.setItemLabelGenerator(value -> switch (value) {
            case "Unreviewed" -> getTranslation("review.queue.show.unreviewed");
            case "Reviewed" -> getTranslation("review.queue.show.reviewed");
            default -> getTranslation("review.queue.show.all");
        });
        show.setValue("All");
        show.setId("queue-show");
        model.setLabel(getTranslation("review.queue.model"));
        model.setEmptySelectionAllowed(true);
        model.setEmptySelectionCaption(getTranslation("review.queue.anyModel"));
        model.setItems(reviews.modelNames());
        label.setLabel(getTranslation("review.queue.label"));
        label.setEmptySelectionAllowed(true);
        label.setEmptySelectionCaption(getTranslation("review.queue.anyLabel"));
        label.setItems(reviews.labels());
        label.setId("queue-label");
        order.setLabel(getTranslation("review.queue.order"));
        order.setItems(QueueFilter.QueueOrder.values());
        order.setItemLabelGenerator(o -> getTranslation(o == QueueFilter.QueueOrder.UNCERTAIN
                ? "review.queue.order.uncertain" : "review.queue.order.newest"));
        order.setValue(QueueFilter.QueueOrder.NEWEST);
        order.setId("queue-order");
        from.setLocale(com.vaadin.flow.component.UI.getCurrent().getLocale());
        to.setLocale(com.vaadin.flow.component.UI.getCurrent().getLocale());
        disagreement.setId("queue-disagreement");
        for (var field : new com.vaadin.flow.component.HasValue<?, ?>[] {show, model, label, from, to, disagreement, order}) {
            field.addValueChangeListener(e -> grid.getDataProvider().refreshAll());
        }

        // columns share the width and wrap their text, so the grid never scrolls sideways (1400 px and up)
        grid.addComponentColumn(e -> {
            Span state = e.reviewed() ? Badges.badge(getTranslation(e.disagreement() ? "review.queue.state.overridden" : "review.queue.state.signed"),
                    e.disagreement() ? "error" : "success") : Badges.badge(getTranslation("review.queue.state.toReview"), "contrast");
            return e.arrivedAfterSignOut()
                    ? new HorizontalLayout(state, Badges.badge(getTranslation("review.queue.state.late"), "error")) : state;
        }).setHeader(getTranslation("review.queue.column.review")).setWidth("7rem").setFlexGrow(0);
        grid.addColumn(e -> patientOf(e).map(org.histoscope.cases.PatientSummary::fullName).orElse(""))
                .setHeader(getTranslation("review.queue.patient")).setWidth("7rem").setFlexGrow(2);
        grid.addColumn(e -> patientOf(e).map(org.histoscope.cases.PatientSummary::mrn).orElse(""))
                .setHeader(getTranslation("review.queue.mrn")).setWidth("6rem").setFlexGrow(1);
        grid.addColumn(QueueEntry::accessionNumber).setHeader(getTranslation("review.queue.column.case")).setWidth("6rem").setFlexGrow(1);
        grid.addComponentColumn(e -> breakable(e.imageName())).setHeader(getTranslation("review.queue.column.image")).setWidth("8rem").setFlexGrow(2);
        grid.addComponentColumn(e -> {
            Span label = e.indeterminate() ? Badges.badge(getTranslation("worklist.indeterminate"), "contrast")
                    : new Span(e.predictedLabel());
            return e.outOfDomain() ? new Div(label, Badges.badge(getTranslation("review.queue.outOfDomain"), "error"))
                    : label;
        }).setHeader(getTranslation("worklist.column.label")).setWidth("7.5rem").setFlexGrow(1);
        grid.addColumn(e -> String.format(DisplayFormats.locale(), "%.3f (t = %.2f)", e.probability(), e.threshold()))
                .setHeader(getTranslation("review.queue.column.probability")).setWidth("7rem").setFlexGrow(0);
        grid.addColumn(e -> e.finalLabel() == null ? "" : e.finalLabel()).setHeader(getTranslation("review.queue.column.finalLabel")).setWidth("5.5rem")
                .setFlexGrow(1);
        grid.addComponentColumn(e -> breakable(e.modelName() + " " + e.modelVersion())).setHeader(getTranslation("review.queue.model"))
                .setWidth("7rem").setFlexGrow(1);
        grid.addColumn(e -> DisplayFormats.dateTime(e.predictedAt())).setHeader(getTranslation("review.queue.column.predicted")).setWidth("7rem")
                .setFlexGrow(1);
        grid.addThemeVariants(com.vaadin.flow.component.grid.GridVariant.LUMO_WRAP_CELL_CONTENT);
        grid.setItems(query -> {
            java.util.List<QueueEntry> page = reviews.queue(filter(), query.getOffset(), query.getLimit());
            caseWork.workOf(page.stream().map(QueueEntry::caseId).distinct().toList())
                    .forEach((caseId, work) -> patients.put(caseId, work.caseSummary().patient()));
            return page.stream();
        }, query -> (int) reviews.countQueue(filter()));
        grid.setEmptyStateText(getTranslation("review.queue.empty"));
        grid.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ReviewView.class, e.getItem().predictionId())));
        grid.addCellFocusListener(e -> focused = e.getItem().orElse(null));
        // keyboard users open the focused row with Enter, as mouse users do with a click
        Shortcuts.addShortcutListener(grid, () -> {
            if (focused != null) {
                getUI().ifPresent(ui -> ui.navigate(ReviewView.class, focused.predictionId()));
            }
        }, Key.ENTER).listenOn(grid);
        grid.setId("review-grid");

        HorizontalLayout filters = new HorizontalLayout(show, model, label, from, to, order, disagreement);
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);
        filters.setWrap(true);
        filters.addClassName("review-filters");
        Span hint = new Span(getTranslation("review.queue.hint"));
        hint.addClassName("hint");
        add(new H2(getTranslation("review.queue.title")), filters, hint, grid);
        expand(grid);
    }

    @Override
    public String getPageTitle() {
        return getTranslation("review.queue.pageTitle");
    }

    /** Text that may break inside long words (file and model names), so that it wraps instead of being cut. */
    private static Span breakable(String text) {
        Span span = new Span(text);
        span.getStyle().set("overflow-wrap", "anywhere");
        return span;
    }

    private java.util.Optional<org.histoscope.cases.PatientSummary> patientOf(QueueEntry entry) {
        return java.util.Optional.ofNullable(patients.get(entry.caseId()));
    }

    private QueueFilter filter() {
        Boolean reviewed = switch (show.getValue()) {
            case "Unreviewed" -> false;
            case "Reviewed" -> true;
            default -> null;
        };
        return new QueueFilter(reviewed, model.getValue(), startOf(from.getValue()),
                to.getValue() == null ? null : startOf(to.getValue().plusDays(1)), label.getValue(),
                disagreement.getValue(), order.getValue());
    }

    private static Instant startOf(LocalDate date) {
        return date == null ? null : date.atStartOfDay(DisplayFormats.zone()).toInstant();
    }
}
