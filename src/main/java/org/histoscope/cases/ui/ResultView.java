package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.PredictionMode;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.ResultAssessment;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.inference.TestTimeAugmentation;
import org.histoscope.inference.TileStatistics;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.ModelStatus;
import org.histoscope.models.RegisteredModel;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.viewer.ProbabilityGrid;
import org.histoscope.viewer.ui.SlideViewer;
import org.histoscope.viewer.ui.TopTiles;
import org.histoscope.ui.Badges;
import org.histoscope.cases.ui.JobUpdates;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.CaseService;
import org.histoscope.cases.CaseStatus;
import org.histoscope.cases.CaseSummary;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.PredictionJobService;
import org.histoscope.cases.internal.SlideTileController;
import org.histoscope.cases.TileProbabilities;
import org.histoscope.cases.ui.SlideResultViewer;

/** One stored prediction: numbers, model and device, the image with its heatmap or explanation, and re-runs. */
@Route("result")
@RolesAllowed({Roles.PATHOLOGIST, Roles.REVIEWER, Roles.ADMIN})
public class ResultView extends VerticalLayout implements HasUrlParameter<Long>, HasDynamicTitle {

    private final PredictionService predictions;
    private final CaseImageService images;
    private final CaseService cases;
    private final PredictionJobService jobs;
    private final ModelRegistry models;
    private final CurrentUser currentUser;
    private final TileProbabilities tileProbabilities;
    private final JobUpdates jobUpdates;
    private String title;
    /** The shown patch prediction while its explanation is still being computed; null otherwise. */
    private StoredPrediction awaitingExplanation;
    private com.vaadin.flow.component.Component picture;
    /** The deep-zoom viewer of a whole-slide result, which the top-tile list moves; null for patches. */
    private SlideViewer slideViewer;
    private com.vaadin.flow.shared.Registration jobSubscription;

    public ResultView(PredictionService predictions, CaseImageService images, CaseService cases,
                      PredictionJobService jobs, ModelRegistry models, CurrentUser currentUser,
                      TileProbabilities tileProbabilities, JobUpdates jobUpdates) {
        this.tileProbabilities = tileProbabilities;
        this.jobUpdates = jobUpdates;
        this.predictions = predictions;
        this.images = images;
        this.cases = cases;
        this.jobs = jobs;
        this.models = models;
        this.currentUser = currentUser;
        setWidthFull();
    }

    @Override
    public void setParameter(BeforeEvent event, Long predictionId) {
        removeAll();
        title = getTranslation("result.pageTitle.unknown");
        StoredPrediction prediction = predictionId == null ? null : predictions.find(predictionId).orElse(null);
        ImageSummary image = prediction == null ? null : images.findImage(prediction.imageId()).orElse(null);
        if (prediction == null || image == null) {
            add(new H2(getTranslation("result.notFound")), new Anchor("cases", getTranslation("case.backToCases")));
            return;
        }
        CaseSummary owner = cases.findCase(prediction.caseId()).orElseThrow();
        cases.recordResultOpened(owner.id(), prediction.id());
        title = getTranslation("result.pageTitle", image.originalFilename());
        H2 heading = new H2(image.originalFilename());
        heading.setId("result-title");
        Anchor back = new Anchor("case/" + owner.id(), getTranslation("case.title", owner.accessionNumber()));
        back.setId("result-case-link");
        add(back, heading);

        boolean explanationPending = !prediction.hasHeatmap() && !prediction.hasExplanation()
                && jobs.jobsForCase(owner.id()).stream().anyMatch(job -> job.explanationPending()
                        && Long.valueOf(prediction.id()).equals(job.predictionId()));
        awaitingExplanation = explanationPending ? prediction : null;
        slideViewer = null;
        picture = picture(prediction, image, explanationPending);
        HorizontalLayout body = new HorizontalLayout(picture, numbers(prediction));
        body.setWidthFull();
        body.setWrap(true);
        body.addClassName("result-body");
        add(body);
        if (prediction.tileStatistics() != null) {
            add(tiles(prediction.tileStatistics()));
        }
        add(history(prediction, image));
        if (owner.status() != CaseStatus.SIGNED_OUT && cases.rightsOn(owner.id()).modify()) {
            add(rerun(image));
        }
        if (currentUser.hasRole(Roles.REVIEWER)) {
            Button review = new Button(getTranslation("result.reviewAndSign"), VaadinIcon.CHECK_SQUARE_O.create(),
                    e -> getUI().ifPresent(ui -> ui.navigate("review/sign/" + prediction.id())));
            review.setId("open-review");
            add(review);
        }
    }

    /**
     * Whole-slide results open in the deep-zoom viewer with the heatmap in slide coordinates; patches keep the
     * picture with its occlusion explanation.
     */
    private com.vaadin.flow.component.Component picture(StoredPrediction prediction, ImageSummary image,
                                                        boolean explanationPending) {
        // the slide viewer is for those who read slides; an administrator sees the preview with its heatmap
        boolean readsSlides = currentUser.hasRole(Roles.PATHOLOGIST) || currentUser.hasRole(Roles.REVIEWER);
        if (prediction.tileStatistics() == null || !readsSlides) {
            return new PredictionImage(images, predictions, prediction, image, explanationPending);
        }
        slideViewer = new SlideResultViewer(tileProbabilities, prediction, image);
        return slideViewer;
    }

    /** The explanation follows the result: swap the picture in when its job says it is settled. */
    @Override
    protected void onAttach(com.vaadin.flow.component.AttachEvent attachEvent) {
        com.vaadin.flow.component.UI ui = attachEvent.getUI();
        jobSubscription = jobUpdates.subscribe(job -> {
            StoredPrediction waiting = awaitingExplanation;
            if (waiting != null && !job.explanationPending() && Long.valueOf(waiting.id()).equals(job.predictionId())) {
                ui.access(() -> showExplanation(waiting));
            }
        });
    }

    @Override
    protected void onDetach(com.vaadin.flow.component.DetachEvent detachEvent) {
        if (jobSubscription != null) {
            jobSubscription.remove();
            jobSubscription = null;
        }
    }

    private void showExplanation(StoredPrediction waiting) {
        if (awaitingExplanation != waiting || picture == null) {
            return;
        }
        awaitingExplanation = null;
        StoredPrediction fresh = predictions.find(waiting.id()).orElse(waiting);
        ImageSummary image = images.findImage(fresh.imageId()).orElse(null);
        if (image == null) {
            return;
        }
        com.vaadin.flow.component.Component updated = picture(fresh, image, false);
        picture.getParent().ifPresent(parent -> ((HorizontalLayout) parent).replace(picture, updated));
        picture = updated;
    }

    @Override
    public String getPageTitle() {
        return title;
    }

    private Div numbers(StoredPrediction p) {
        Optional<RegisteredModel> model = models.findVersion(p.modelId(), p.modelVersion());
        Span label = Badges.verdict(p);
        label.setId("result-label");
        Div labelAndWarning = new Div(label);
        Badges.outOfDomainWarning(p).ifPresent(warning -> {
            warning.setId("result-ood-warning");
            labelAndWarning.add(warning);
        });
        ResultAssessment assessment = p.assessment();
        Div facts = new Div(
                row(getTranslation("result.fact.label"), labelAndWarning),
                row(getTranslation("result.fact.probability"), text(fmt(p.probability()), "result-probability")),
                row(getTranslation(p.mode() == PredictionMode.WHOLE_IMAGE ? "result.fact.slideThreshold" : "result.fact.threshold"),
                        text(fmt(p.threshold()), "result-threshold")));
        if (assessment.greyZone() != null) {
            facts.add(row(getTranslation("result.fact.greyZone"), text(getTranslation("result.fact.greyZone.range",
                    fmt(assessment.greyZone().low()), fmt(assessment.greyZone().high())), "result-grey-zone")));
        }
        if (assessment.tileThreshold() != null) {
            facts.add(row(getTranslation("result.fact.tileThreshold"), text(fmt(assessment.tileThreshold()),
                    "result-tile-threshold")));
        }
        if (assessment.oodScore() != null) {
            facts.add(row(getTranslation("result.fact.domain"), text(getTranslation(assessment.outOfDomain()
                            ? "result.fact.domain.outside" : "result.fact.domain.inside",
                    fmt3(assessment.oodScore()), fmt3(assessment.oodThreshold())), "result-domain")));
        }
        if (assessment.pixelSizeNote() != null) {
            Span pixelSize = text(assessment.pixelSizeNote(), "result-pixel-size");
            if (assessment.pixelSizeAssumed()) {
                pixelSize.getElement().getThemeList().add("badge contrast");
            }
            facts.add(row(getTranslation("result.fact.pixelSize"), pixelSize));
        }
        facts.add(
                row(getTranslation("result.fact.calibratedFor"), text(calibratedFor(model), "result-calibration")),
                row(getTranslation("result.fact.model"), text(getTranslation("result.fact.model.version",
                        model.map(RegisteredModel::name).orElse(p.modelId()), p.modelVersion()), "result-model")),
                row(getTranslation("result.fact.device"), text(currentUser.hasRole(Roles.ADMIN) ? p.device()
                        : InferenceDevice.forPeople(p.device()), "result-device")),
                row(getTranslation("result.fact.mode"), text(p.mode().name().toLowerCase(Locale.ROOT).replace('_', ' '), null)),
                row(getTranslation("result.fact.tta"), text(p.testTimeAugmentation() == TestTimeAugmentation.NONE
                        ? getTranslation("result.fact.tta.none")
                        : getTranslation("result.fact.tta.mean", String.valueOf(p.testTimeAugmentation().views())),
                        "result-tta")),
                row(getTranslation("result.fact.timings"), text(getTranslation("result.fact.timings.value",
                        String.valueOf(p.decodeMillis()), String.valueOf(p.inferMillis())), "result-timings")),
                row(getTranslation("result.fact.predicted"), text(getTranslation("result.fact.predicted.value",
                        DisplayFormats.dateTime(p.createdAt()), p.createdBy()), null)));
        for (Map.Entry<String, Double> entry : p.classProbabilities().entrySet()) {
            facts.add(row("p(" + entry.getKey() + ")", text(fmt(entry.getValue()), null)));
        }
        facts.addClassName("result-facts");
        facts.add(new Paragraph(getTranslation("result.decisionAid")));
        return facts;
    }

    /** A probability is right only for a share of IDC: say which, so that a rarer-IDC slide is read with care. */
    private String calibratedFor(Optional<RegisteredModel> model) {
        return model.map(RegisteredModel::calibrationPrevalence)
                .map(share -> getTranslation("result.fact.calibratedFor.share",
                        String.format(Locale.ROOT, "%.1f", 100 * share)))
                .orElse(getTranslation("result.fact.calibratedFor.unknown"));
    }

    private static Div row(String name, com.vaadin.flow.component.Component value) {
        Span label = new Span(name);
        label.addClassName("fact-label");
        return new Div(label, value);
    }

    private static Span text(String value, String id) {
        Span span = new Span(value);
        if (id != null) {
            span.setId(id);
        }
        return span;
    }

    private static String fmt3(double value) {
        return String.format(DisplayFormats.locale(), "%.3f", value);
    }

    private static String fmt(double value) {
        return String.format(DisplayFormats.locale(), "%.4f", value);
    }

    private VerticalLayout tiles(TileStatistics stats) {
        Paragraph summary = new Paragraph(getTranslation("result.tiles.summary", String.valueOf(stats.columns()),
                String.valueOf(stats.rows()), String.valueOf(stats.tileSizePixels()),
                String.valueOf(stats.tissueTiles()), String.valueOf(stats.positiveTiles()),
                String.format(DisplayFormats.locale(), "%.1f", stats.positiveFraction() * 100)));
        summary.setId("tile-summary");
        Paragraph quality = new Paragraph(getTranslation("result.tiles.quality",
                String.valueOf(stats.outOfDomainTiles()), String.valueOf(stats.blurredTiles()),
                String.valueOf(stats.penInkTiles()), String.valueOf(stats.darkOrBrightTiles()),
                String.format(DisplayFormats.locale(), "%.0f", stats.usableShare() * 100)));
        quality.setId("tile-quality");
        if (stats.notAssessable()) {
            Span notAssessable = Badges.badge(getTranslation("result.tiles.notAssessable"), "error");
            notAssessable.setId("tile-not-assessable");
            quality.add(new Span(" "), notAssessable);
        }
        TopTiles top = new TopTiles(stats.topTiles(), slideViewer);
        VerticalLayout layout = new VerticalLayout(new H3(getTranslation("result.tiles.title")), summary, quality,
                new H3(getTranslation("review.viewer.topTiles")));
        if (slideViewer != null) {
            Span hint = new Span(getTranslation("viewer.topTiles.hint"));
            hint.addClassName("hint");
            layout.add(hint);
        }
        layout.add(top);
        layout.setPadding(false);
        return layout;
    }

    private VerticalLayout history(StoredPrediction shown, ImageSummary image) {
        Grid<StoredPrediction> all = new Grid<>();
        all.addColumn(p -> DisplayFormats.dateTime(p.createdAt())).setHeader(getTranslation("result.history.when")).setAutoWidth(true);
        all.addColumn(p -> p.modelId() + " " + p.modelVersion()).setHeader(getTranslation("result.history.model")).setAutoWidth(true);
        all.addColumn(p -> p.displayLabel() + " · p = " + fmt(p.probability())).setHeader(getTranslation("result.history.result")).setAutoWidth(true);
        all.addColumn(p -> p.id() == shown.id() ? getTranslation("result.history.shown") : "").setHeader("");
        all.addItemClickListener(e -> getUI().ifPresent(ui -> ui.navigate(ResultView.class, e.getItem().id())));
        all.setItems(predictions.forImage(image.id()));
        all.setAllRowsVisible(true);
        all.setId("prediction-history");
        VerticalLayout layout = new VerticalLayout(new H3(getTranslation("result.history.title")), all);
        layout.setPadding(false);
        return layout;
    }

    private HorizontalLayout rerun(ImageSummary image) {
        List<RegisteredModel> usable = models.all().stream().filter(m -> m.status() != ModelStatus.RETIRED).toList();
        Select<RegisteredModel> model = new Select<>();
        model.setLabel(getTranslation("result.rerun.model"));
        model.setItems(usable);
        model.setItemLabelGenerator(m -> m.name() + " " + m.version() + (m.status() == ModelStatus.ACTIVE ? " " + getTranslation("result.rerun.active") : ""));
        usable.stream().filter(m -> m.status() == ModelStatus.ACTIVE).findFirst().ifPresent(model::setValue);
        model.setId("rerun-model");
        Button run = new Button(getTranslation("result.rerun.run"), VaadinIcon.PLAY.create(), e -> {
            if (model.getValue() == null) {
                Notifications.error(getTranslation("result.rerun.chooseModel"));
                return;
            }
            try {
                jobs.rerun(image.id(), model.getValue().id());
                Notifications.success(getTranslation("result.rerun.queued"));
                getUI().ifPresent(ui -> ui.navigate(CaseDetailView.class, image.caseId()));
            } catch (CaseRuleException rule) {
                Notifications.error(I18n.refusal(rule));
            }
        });
        run.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        run.setId("rerun");
        HorizontalLayout layout = new HorizontalLayout(model, run);
        layout.setAlignItems(FlexComponent.Alignment.BASELINE);
        return layout;
    }
}
