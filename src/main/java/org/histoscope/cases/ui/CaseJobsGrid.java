package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import java.util.List;
import java.util.Map;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.ui.Notifications;
import org.histoscope.cases.ui.CaseBadges;
import org.histoscope.cases.CaseOutcomes;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.JobStatus;
import org.histoscope.cases.JobSummary;
import org.histoscope.cases.PredictionJobService;

/** The prediction jobs of a case with their live status, a retry for failed ones and a link to each result. */
class CaseJobsGrid extends Grid<JobSummary> {

    private final CaseService cases;
    private final PredictionJobService jobs;
    private final PredictionService predictions;
    private final CaseOutcomes outcomes;
    private final Runnable onRetry;
    private CaseSummary current;
    private Map<Long, String> finalLabels = Map.of();

    CaseJobsGrid(CaseService cases, PredictionJobService jobs, PredictionService predictions, CaseOutcomes outcomes,
                 Runnable onRetry) {
        this.cases = cases;
        this.outcomes = outcomes;
        this.jobs = jobs;
        this.predictions = predictions;
        this.onRetry = onRetry;
        setId("job-grid");
        setAllRowsVisible(true);
        addColumn(JobSummary::imageName).setHeader(getTranslation("case.jobs.image")).setAutoWidth(true);
        addColumn(j -> getTranslation(j.rerun() ? "case.jobs.rerun" : "case.jobs.upload")).setHeader(getTranslation("case.jobs.kind")).setAutoWidth(true);
        addComponentColumn(this::statusCell).setHeader(getTranslation("case.jobs.status")).setWidth("14rem").setFlexGrow(0);
        addComponentColumn(this::resultCell).setHeader(getTranslation("case.jobs.result")).setAutoWidth(true);
        addColumn(j -> DisplayFormats.dateTime(j.requestedAt())).setHeader(getTranslation("case.jobs.requested")).setAutoWidth(true);
        addColumn(JobSummary::attempts).setHeader(getTranslation("case.jobs.attempts")).setAutoWidth(true);
        setEmptyStateText(getTranslation("case.jobs.empty"));
        setPartNameGenerator(j -> "job-" + j.status().name().toLowerCase());
    }

    /** Shows the jobs of the case; true while any of them is still queued or running. */
    boolean show(CaseSummary shown) {
        current = shown;
        List<JobSummary> list = jobs.jobsForCase(shown.id());
        finalLabels = outcomes.finalLabelsByPrediction(shown.id());
        setItems(list);
        return list.stream().anyMatch(j -> j.status() == JobStatus.QUEUED || j.status() == JobStatus.RUNNING);
    }

    private Component statusCell(JobSummary job) {
        Span badge = CaseBadges.job(job);
        badge.addClassName("job-status");
        badge.getElement().setAttribute("data-status", job.status().name());
        if (job.status() == JobStatus.RUNNING) {
            ProgressBar bar = new ProgressBar(0, 1, job.progress());
            bar.setWidth("6rem");
            return new HorizontalLayout(badge, bar);
        }
        return badge;
    }

    private Component resultCell(JobSummary job) {
        if (job.status() == JobStatus.FAILED) {
            return failureCell(job);
        }
        if (job.status() != JobStatus.DONE || job.predictionId() == null) {
            return new Span();
        }
        StoredPrediction prediction = predictions.find(job.predictionId()).orElse(null);
        if (prediction == null) {
            return new Span(getTranslation("case.jobs.resultMissing"));
        }
        Anchor link = new Anchor("result/" + prediction.id(), getTranslation("case.jobs.model", prediction.displayLabel(),
                String.format(DisplayFormats.locale(), "%.3f", prediction.probability())));
        link.addClassName("result-link");
        // the reviewer's signed label beside the model's: after an override the two differ
        String finalLabel = finalLabels.get(prediction.id());
        Span signed = new Span(finalLabel == null ? getTranslation("case.jobs.notReviewed")
                : getTranslation("case.jobs.final", finalLabel));
        signed.addClassName("final-label");
        signed.getElement().setAttribute("data-reviewed", String.valueOf(finalLabel != null));
        HorizontalLayout cell = new HorizontalLayout(link, signed);
        cell.setSpacing(true);
        return cell;
    }

    private Component failureCell(JobSummary job) {
        Span reason = new Span(I18n.text(job.errorReason()));
        reason.addClassName("job-error");
        HorizontalLayout cell = new HorizontalLayout(reason);
        cell.setAlignItems(FlexComponent.Alignment.CENTER);
        if (current.status() != CaseStatus.SIGNED_OUT && cases.rightsOn(current.id()).modify()) {
            Button retry = new Button(getTranslation("case.jobs.retry"), VaadinIcon.REFRESH.create(), e -> {
                try {
                    jobs.retry(job.id());
                    Notifications.info(getTranslation("case.jobs.queuedAgain", job.imageName()));
                } catch (CaseRuleException rule) {
                    Notifications.error(I18n.refusal(rule));
                }
                onRetry.run();
            });
            retry.addThemeVariants(ButtonVariant.LUMO_SMALL);
            retry.addClassName("job-retry");
            cell.add(retry);
        }
        return cell;
    }
}
