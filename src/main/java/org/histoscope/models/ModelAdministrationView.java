package org.histoscope.models;

import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.confirmdialog.ConfirmDialog;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.UploadHandler;
import jakarta.annotation.security.RolesAllowed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.histoscope.inference.InferenceDevice;
import org.histoscope.inference.InferenceService;
import org.histoscope.security.Roles;
import org.springframework.security.access.AccessDeniedException;

/**
 * Administrators manage the model registry: see every model with its status and test metrics, add a package (a zip
 * with model.onnx, model-card.json and reference/, or the ONNX file and its card uploaded together), activate or
 * retire models after confirmation, and change a threshold with a mandatory reason. Shows the inference device.
 */
@Route("admin/models")
@PageTitle("Models | Histoscope")
@Menu(title = "Models", order = 85)
@RolesAllowed(Roles.ADMIN)
public class ModelAdministrationView extends VerticalLayout {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());
    private static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

    private final ModelRegistry registry;
    private final Grid<RegisteredModel> grid = new Grid<>(RegisteredModel.class, false);
    private final Button activate = new Button("Activate", VaadinIcon.CHECK_CIRCLE.create());
    private final Button retire = new Button("Retire", VaadinIcon.ARCHIVE.create());
    private final Button threshold = new Button("Change threshold", VaadinIcon.SLIDERS.create());
    private final Button register = new Button("Validate and register", VaadinIcon.UPLOAD.create());
    private final Button evaluate = new Button("Evaluate…", VaadinIcon.CHART.create());
    private final ModelEvaluationService evaluationService;
    private final Grid<ModelEvaluation> evaluationGrid = new Grid<>(ModelEvaluation.class, false);
    private final Div evaluationDetails = new Div();
    private final Span uploaded = new Span();
    /** Uploaded files by kind ("zip", "onnx", "card"), kept until registered or replaced. */
    private final Map<String, Path> uploads = new LinkedHashMap<>();

    public ModelAdministrationView(ModelRegistry registry, InferenceService inference,
                                   ModelEvaluationService evaluationService) {
        this.registry = registry;
        this.evaluationService = evaluationService;
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
        threshold.addClickListener(e -> selected().ifPresent(this::openThreshold));
        evaluate.setId("model-evaluate");
        evaluate.addClickListener(e -> selected().ifPresent(this::openEvaluation));
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
        grid.addColumn(m -> m.addedBy() + ", " + TIME.format(m.addedAt())).setHeader("Added").setAutoWidth(true);
        grid.addSelectionListener(e -> updateButtons());

        add(new H2("Models"), deviceLine, actions, grid, uploadSection(), evaluationSection());
        refresh();
    }

    private VerticalLayout evaluationSection() {
        evaluationGrid.setId("evaluations-grid");
        evaluationGrid.setAllRowsVisible(true);
        evaluationGrid.addColumn(e -> TIME.format(e.createdAt())).setHeader("Started").setAutoWidth(true);
        evaluationGrid.addColumn(ModelEvaluation::datasetName).setHeader("Data set").setAutoWidth(true);
        evaluationGrid.addColumn(ModelAdministrationView::evaluationStatus).setHeader("Status").setAutoWidth(true);
        evaluationGrid.addColumn(e -> e.metrics() == null ? "" : String.valueOf(e.metrics().n())).setHeader("Images");
        evaluationGrid.addColumn(e -> metric(e, EvaluationMetrics::auc)).setHeader("AUC");
        evaluationGrid.addColumn(e -> metric(e, EvaluationMetrics::accuracy)).setHeader("Accuracy");
        evaluationGrid.addColumn(e -> metric(e, EvaluationMetrics::sensitivity)).setHeader("Sensitivity");
        evaluationGrid.addColumn(e -> metric(e, EvaluationMetrics::specificity)).setHeader("Specificity");
        evaluationGrid.addColumn(e -> e.metrics() == null || e.metrics().suggestedThreshold() == null ? ""
                : String.format(Locale.ROOT, "%.3f (for sensitivity %.2f)", e.metrics().suggestedThreshold(),
                e.targetSensitivity())).setHeader("Suggested threshold").setAutoWidth(true);
        evaluationGrid.addSelectionListener(e -> showEvaluation(e.getFirstSelectedItem().orElse(null)));
        evaluationDetails.setId("evaluation-details");
        Button reload = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> refreshEvaluations());
        VerticalLayout section = new VerticalLayout(new H3("Evaluations of the selected model"), reload,
                evaluationGrid, evaluationDetails);
        section.setPadding(false);
        return section;
    }

    private static String evaluationStatus(ModelEvaluation evaluation) {
        return switch (evaluation.status()) {
            case "FAILED" -> "FAILED: " + evaluation.error();
            case "RUNNING" -> String.format(Locale.ROOT, "RUNNING (%.0f%%)", 100 * evaluation.progress());
            default -> evaluation.status();
        };
    }

    private static String metric(ModelEvaluation evaluation, java.util.function.ToDoubleFunction<EvaluationMetrics> f) {
        return evaluation.metrics() == null ? "" : String.format(Locale.ROOT, "%.3f", f.applyAsDouble(evaluation.metrics()));
    }

    private void showEvaluation(ModelEvaluation evaluation) {
        evaluationDetails.removeAll();
        if (evaluation == null || evaluation.metrics() == null) {
            return;
        }
        EvaluationMetrics m = evaluation.metrics();
        String matrix = String.format(Locale.ROOT, """
                <table style="border-collapse: collapse; text-align: center" border="1" cellpadding="6">\
                <caption>Confusion matrix at threshold %.3f</caption>\
                <tr><th></th><th>predicted non-cancer</th><th>predicted cancer</th></tr>\
                <tr><th>true non-cancer</th><td>%d</td><td>%d</td></tr>\
                <tr><th>true cancer</th><td>%d</td><td>%d</td></tr></table>""",
                m.threshold(), m.trueNegatives(), m.falsePositives(), m.falseNegatives(), m.truePositives());
        HorizontalLayout row = new HorizontalLayout(new Html(m.rocSvg(220)), new Html(matrix));
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        evaluationDetails.add(row);
    }

    private void refreshEvaluations() {
        evaluationDetails.removeAll();
        evaluationGrid.setItems(selected().map(m -> evaluationService.forModel(m.id())).orElse(java.util.List.of()));
    }

    private void openEvaluation(RegisteredModel model) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Evaluate " + model.name() + " " + model.version());
        Path[] zip = new Path[1];
        Span received = new Span();
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) ->
                getUI().ifPresent(ui -> ui.access(() -> {
                    zip[0] = file.toPath();
                    received.setText("Received " + metadata.fileName());
                }))));
        upload.setId("evaluation-upload");
        upload.setMaxFiles(1);
        upload.setAcceptedFileTypes(".zip");
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, MAX_UPLOAD_BYTES));
        com.vaadin.flow.component.textfield.TextField name = new com.vaadin.flow.component.textfield.TextField("Data set name");
        name.setMaxLength(300);
        NumberField target = new NumberField("Target sensitivity for the suggested threshold");
        target.setMin(0.01);
        target.setMax(1);
        target.setStep(0.01);
        target.setValue(0.9);
        Button start = new Button("Start", e -> {
            if (zip[0] == null || target.getValue() == null) {
                error("Upload a zip with images and labels.csv (file,label) and set the target sensitivity.");
                return;
            }
            try {
                evaluationService.start(model.id(), zip[0], name.getValue(), target.getValue());
                dialog.close();
                success("Evaluation started; press Refresh to see the result.");
                refreshEvaluations();
            } catch (ModelPackageRejectedException | IllegalArgumentException | IllegalStateException ex) {
                error("Data set refused: " + ex.getMessage());
            } catch (AccessDeniedException ex) {
                error("Only administrators may evaluate models.");
            }
        });
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(new Paragraph("A zip with the images and a labels.csv with columns file,label "
                + "(label 0/1 or the class name). Every image is predicted with this model."), upload, received, name,
                target));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), start);
        dialog.open();
    }

    private VerticalLayout uploadSection() {
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> {
            Path path = file.toPath();
            getUI().ifPresent(ui -> ui.access(() -> accept(metadata.fileName(), path)));
        }));
        upload.setId("model-upload");
        upload.setMaxFiles(3);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, MAX_UPLOAD_BYTES));
        upload.setAcceptedFileTypes(".zip", ".onnx", ".json");
        upload.setDropLabel(new Span("Drop a package zip, or model.onnx together with model-card.json"));
        register.setId("model-register");
        register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        register.setEnabled(false);
        register.addClickListener(e -> registerUploaded());
        uploaded.setId("model-uploaded");
        HorizontalLayout row = new HorizontalLayout(register, uploaded);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        VerticalLayout section = new VerticalLayout(new H3("Add a model package"), new Paragraph(
                "The package is validated before it is registered: the sha256 of model.onnx must match the card, "
                        + "ONNX Runtime must load it with the card's input and output, and it must reproduce the "
                        + "reference probabilities of its reference/ folder."), upload, row);
        section.setPadding(false);
        return section;
    }

    /** Files are recognised by content: zip by its magic bytes, the card as JSON, anything else as the ONNX model. */
    private void accept(String fileName, Path file) {
        try {
            if (Files.size(file) > MAX_UPLOAD_BYTES) {
                Files.deleteIfExists(file);
                error("The file " + fileName + " is larger than 2 GiB.");
                return;
            }
            String kind = kindOf(file);
            Path previous = uploads.put(kind, file);
            if (previous != null && !previous.equals(file)) {
                Files.deleteIfExists(previous);
            }
            if (kind.equals("zip")) {
                discard("onnx");
                discard("card");
            } else {
                discard("zip");
            }
            uploaded.setText("Ready: " + String.join(", ", uploads.keySet()));
            register.setEnabled(uploads.containsKey("zip") || uploads.containsKey("onnx") && uploads.containsKey("card"));
        } catch (IOException e) {
            error("The uploaded file could not be read.");
        }
    }

    private static String kindOf(Path file) throws IOException {
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, 4);
        }
        if (read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "zip";
        }
        String start = new String(head, 0, Math.max(0, read), java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        return start.startsWith("{") ? "card" : "onnx";
    }

    private void registerUploaded() {
        Path folder = null;
        try {
            RegisteredModel added;
            if (uploads.containsKey("zip")) {
                added = registry.addPackage(uploads.get("zip"));
            } else {
                folder = Files.createTempDirectory("model-package");
                Files.copy(uploads.get("onnx"), folder.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(uploads.get("card"), folder.resolve("model-card.json"), StandardCopyOption.REPLACE_EXISTING);
                added = registry.addPackage(folder);
            }
            success("Registered " + added.name() + " " + added.version() + " (available; activate it to use it).");
            uploads.keySet().forEach(this::discardQuietly);
            uploads.clear();
            uploaded.setText("");
            register.setEnabled(false);
            refresh();
        } catch (ModelPackageRejectedException | IllegalArgumentException | IllegalStateException e) {
            error("Package refused: " + e.getMessage());
        } catch (AccessDeniedException e) {
            error("Only administrators may add models.");
        } catch (IOException e) {
            error("The uploaded files could not be prepared.");
        } finally {
            ModelRegistryService.deleteQuietly(folder);
        }
    }

    private void discard(String kind) {
        discardQuietly(kind);
        uploads.remove(kind);
    }

    private void discardQuietly(String kind) {
        Path file = uploads.get(kind);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans it up eventually
            }
        }
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

    private void openThreshold(RegisteredModel model) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Threshold of " + model.name() + " " + model.version());
        NumberField value = new NumberField("Threshold (0-1)");
        value.setId("threshold-value");
        value.setMin(0.001);
        value.setMax(0.999);
        value.setStep(0.001);
        value.setValue(model.threshold());
        TextArea reason = new TextArea("Reason (required, audited)");
        reason.setId("threshold-reason");
        reason.setRequired(true);
        reason.setMaxLength(500);
        reason.setWidthFull();
        Button save = new Button("Save", e -> {
            if (value.getValue() == null) {
                value.setInvalid(true);
                value.setErrorMessage("Enter a number between 0 and 1.");
                return;
            }
            try {
                registry.changeThreshold(model.id(), value.getValue(), reason.getValue());
                dialog.close();
                success("Threshold changed to " + value.getValue() + ".");
                refresh();
            } catch (IllegalArgumentException ex) {
                reason.setInvalid(ex.getMessage().contains("reason"));
                reason.setErrorMessage(ex.getMessage());
                value.setInvalid(!ex.getMessage().contains("reason"));
                value.setErrorMessage(ex.getMessage());
            } catch (AccessDeniedException ex) {
                error("Only administrators may change thresholds.");
            }
        });
        save.setId("threshold-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(value, reason));
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    private void run(Runnable action, String message) {
        try {
            action.run();
            success(message);
        } catch (IllegalArgumentException | IllegalStateException e) {
            error(e.getMessage());
        } catch (AccessDeniedException e) {
            error("Only administrators may change models.");
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
        refreshEvaluations();
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

    private static void success(String message) {
        Notification.show(message, 4000, Notification.Position.TOP_CENTER)
                .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
    }

    private static void error(String message) {
        Notification notification = Notification.show(message, 8000, Notification.Position.TOP_CENTER);
        notification.addThemeVariants(NotificationVariant.LUMO_ERROR);
    }
}
