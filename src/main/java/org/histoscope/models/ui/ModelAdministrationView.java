package org.histoscope.models.ui;

import org.histoscope.ui.I18n;
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
import com.vaadin.flow.router.HasDynamicTitle;
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
@Menu(title = "Models", order = 85)
@RolesAllowed(Roles.ADMIN)
public class ModelAdministrationView extends VerticalLayout implements HasDynamicTitle {

    private final ModelRegistry registry;
    private final Grid<RegisteredModel> grid = new Grid<>(RegisteredModel.class, false);
    private final Button activate = new Button(getTranslation("models.activate"), VaadinIcon.CHECK_CIRCLE.create());
    private final Button retire = new Button(getTranslation("models.retire"), VaadinIcon.ARCHIVE.create());
    private final Button threshold = new Button(getTranslation("models.changeThreshold"), VaadinIcon.SLIDERS.create());
    private final Button evaluate = new Button(getTranslation("models.evaluate"), VaadinIcon.CHART.create());
    private final ModelEvaluations evaluations;

    public ModelAdministrationView(ModelRegistry registry, InferenceService inference,
                                   ModelEvaluationService evaluationService) {
        this.registry = registry;
        this.evaluations = new ModelEvaluations(evaluationService);
        setSizeFull();

        InferenceDevice device = inference.device();
        Span deviceLine = new Span(device.intraOpThreads() > 0
                ? getTranslation("models.deviceWithThreads", device.describe(), device.intraOpThreads())
                : getTranslation("models.device", device.describe()));
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
        grid.addColumn(RegisteredModel::name).setHeader(getTranslation("models.column.model")).setAutoWidth(true).setFlexGrow(1);
        grid.addColumn(RegisteredModel::version).setHeader(getTranslation("models.column.version")).setAutoWidth(true);
        grid.addColumn(m -> getTranslation("models.status." + m.status().name()))
                .setHeader(getTranslation("models.column.status")).setAutoWidth(true);
        grid.addColumn(m -> String.format(DisplayFormats.locale(), "%.3f", m.threshold()))
                .setHeader(getTranslation("models.column.threshold")).setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "auc")).setHeader(getTranslation("models.column.testAuc")).setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "sensitivity")).setHeader(getTranslation("models.column.sensitivity")).setAutoWidth(true);
        grid.addColumn(m -> testMetric(m, "specificity")).setHeader(getTranslation("models.column.specificity")).setAutoWidth(true);
        grid.addColumn(m -> m.sha256().substring(0, 12)).setHeader("sha256").setAutoWidth(true);
        grid.addColumn(m -> m.addedBy() + ", " + DisplayFormats.dateTime(m.addedAt()))
                .setHeader(getTranslation("models.column.added"))
                .setAutoWidth(true);
        grid.addSelectionListener(e -> updateButtons());

        add(new H2(getTranslation("models.title")), deviceLine, actions, grid, new ModelPackageUpload(registry, this::refresh), evaluations);
        refresh();
    }

    private void confirmActivate(RegisteredModel model) {
        ConfirmDialog dialog = new ConfirmDialog(getTranslation("models.activate.question", model.name(), model.version()),
                getTranslation("models.activate.explanation", model.threshold()), getTranslation("models.activate"),
                e -> run(() -> registry.activate(model.id()), getTranslation("models.activated", model.name())));
        dialog.setCancelable(true);
        dialog.setCancelText(getTranslation("common.cancel"));
        dialog.setConfirmButtonTheme("primary");
        dialog.open();
    }

    private void confirmRetire(RegisteredModel model) {
        ConfirmDialog dialog = new ConfirmDialog(getTranslation("models.retire.question", model.name(), model.version()),
                getTranslation("models.retire.explanation"), getTranslation("models.retire"),
                e -> run(() -> registry.retire(model.id()), getTranslation("models.retired", model.name(), model.version())));
        dialog.setCancelable(true);
        dialog.setCancelText(getTranslation("common.cancel"));
        dialog.setConfirmButtonTheme("error primary");
        dialog.open();
    }

    private void run(Runnable action, String message) {
        try {
            action.run();
            Notifications.success(message);
        } catch (InputRejectedException | RuleRefusedException e) {
            Notifications.error(I18n.refusal(e));
        } catch (AccessDeniedException e) {
            Notifications.error(getTranslation("models.adminsOnly"));
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

    @Override
    public String getPageTitle() {
        return getTranslation("models.pageTitle");
    }

    static String testMetric(RegisteredModel model, String name) {
        Object test = model.metrics().get("test");
        if (test instanceof Map<?, ?> metrics && metrics.get(name) instanceof Number number) {
            return String.format(DisplayFormats.locale(), "%.3f", number.doubleValue());
        }
        return "–";
    }
}
