package org.histoscope.models.ui;

import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.RuleRefusedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.InferenceService;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.models.ModelEvaluationService;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.ModelStatus;
import org.histoscope.models.RegisteredModel;
import org.springframework.security.access.AccessDeniedException;

/**
 * Administrators manage the model registry: see every model with its status and test metrics, add a package,
 * activate or retire models after confirmation, change a threshold with a mandatory reason, and evaluate a model on
 * a labelled data set. Shows the inference device.
 */
@Route("admin/models")
@PageTitle("Models | Histoscope")
@Menu(title = "Models", order = 85)
@RolesAllowed(Roles.ADMIN)
public class ModelAdministrationView extends VerticalLayout {

    private final ModelRegistry registry;
    private final Grid<RegisteredModel> grid = new Grid<>(RegisteredModel.class, false);
    private final Button activate = new Button("Activate", VaadinIcon.CHECK_CIRCLE.create());
    private final Button retire = new Button("Retire", VaadinIcon.ARCHIVE.create());
    private final Button threshold = new Button("Change threshold", VaadinIcon.SLIDERS.create());
    private final Button evaluate = new Button("Evaluate…", VaadinIcon.CHART.create());
    private final ModelEvaluations evaluations;

    public ModelAdministrationView(ModelRegistry registry, InferenceService inference,
                                   ModelEvaluationService evaluationService) {
        this.registry = registry;
        this.evaluations = new ModelEvaluations(evaluationService);
        setSizeFull();

        InferenceDevice device = inference.device();
        Span deviceLine = new Span("Inference device: " + device.describe()
                + (device.intraOpThreads() > 0 ? ", " + device.intraOpThreads() + " intra-op threads" : ""));
        deviceLine.setId("inference-device");

        activate.setId("model-activate");
        activate.addClickListener(e -> selected().ifPresent(this::confirmActivate));
        retire.setId("model-retire");
        retire.addClickListener(e -> selected().ifPresent(this::confirmRetire));
        threshold.setId("model-threshold");
        threshold.addClickListener(e -> selected().ifPresent(m -> new ThresholdDialog(registry, m, this::refresh).open()));
        evaluate.setId("model-evaluate");
        evaluate.addClickListener(e -> selected().ifPresent(evaluations::openStartDialog));
        HorizontalLayout actions = new HorizontalLayout(activate, retire, threshold, evaluate);

        grid.setId("models-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setAllRowsVisible(true);
        grid.addColumn(RegisteredModel::name).setHeader("Model").setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(RegisteredModel::version).setHeader("Version").setAutoWidth(true);
        grid.addColumn(m -> m.status().name()).setHeader("Status").setAutoWidth(true);
        grid.addColumn(m -> String.format(Locale.ROOT, "%.3f", m.threshold())).setHeader("Threshold").setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "auc")).setHeader("Test AUC").setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "sensitivity")).setHeader("Sensitivity").setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "specificity")).setHeader("Specificity").setAutoWidth(true);
        grid.addColumn(m -> m.sha256().substring(0, 12)).setHeader("sha256").setAutoWidth(true);
        grid.addColumn(m -> m.addedBy() + ", " + DisplayFormats.dateTime(m.addedAt())).setHeader("Added")
                .setAutoWidth(true);
        grid.addSelectionListener(e -> updateButtons());

        add(new H2("Models"), deviceLine, actions, grid, new ModelPackageUpload(registry, this::refresh), evaluations);
        refresh();
    }

    private void confirmActivate(RegisteredModel model) {
        ConfirmDialog dialog = new ConfirmDialog("Activate " + model.name() + " " + model.version() + "?",
                "New predictions will use this model with threshold " + model.threshold()
                        + ". Earlier predictions keep the model they were made with.", "Activate",
                e -> run(() -> registry.activate(model.id()), model.name() + " is now the active model."));
        dialog.setCancelable(true);
        dialog.setConfirmButtonTheme("primary");
        dialog.open();
    }

    private void confirmRetire(RegisteredModel model) {
        ConfirmDialog dialog = new ConfirmDialog("Retire " + model.name() + " " + model.version() + "?",
                "A retired model can no longer be chosen for predictions.", "Retire",
                e -> run(() -> registry.retire(model.id()), model.name() + " " + model.version() + " is retired."));
        dialog.setCancelable(true);
        dialog.setConfirmButtonTheme("error primary");
        dialog.open();
    }

    private void run(Runnable action, String message) {
        try {
            action.run();
            Notifications.success(message);
        } catch (InputRejectedException | RuleRefusedException e) {
            Notifications.error(e.userMessage());
        } catch (AccessDeniedException e) {
            Notifications.error("Only administrators may change models.");
        }
        refresh();
    }

    private void refresh() {
        Optional<RegisteredModel> keep = selected();
        grid.setItems(registry.all());
        keep.flatMap(k -> registry.find(k.id())).ifPresent(grid::select);
        updateButtons();
    }

    private void updateButtons() {
        Optional<RegisteredModel> model = selected();
        activate.setEnabled(model.map(m -> m.status() == ModelStatus.AVAILABLE).orElse(false));
        retire.setEnabled(model.map(m -> m.status() == ModelStatus.AVAILABLE).orElse(false));
        threshold.setEnabled(model.map(m -> m.status() != ModelStatus.RETIRED).orElse(false));
        evaluate.setEnabled(model.map(m -> m.status() != ModelStatus.RETIRED).orElse(false));
        evaluations.show(model);
    }

    private Optional<RegisteredModel> selected() {
        return grid.getSelectedItems().stream().findFirst();
    }

    static String testMetric(RegisteredModel model, String name) {
        Object test = model.metrics().get("test");
        if (test instanceof Map<?, ?> metrics && metrics.get(name) instanceof Number number) {
            return String.format(Locale.ROOT, "%.3f", number.doubleValue());
        }
        return "–";
    }
}
