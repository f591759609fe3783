package org.histoscope.models.ui;

import org.histoscope.ui.I18n;
import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.RuleRefusedException;
import com.vaadin.flow.component.Html;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.server.StreamResource;
import java.io.ByteArrayInputStream;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.ui.Notifications;
import org.histoscope.models.EvaluationMetrics;
import org.histoscope.models.ModelEvaluation;
import org.histoscope.models.ModelEvaluationService;
import org.histoscope.models.UploadedModelFiles;
import org.histoscope.models.ModelPackageRejectedException;
import org.histoscope.models.RegisteredModel;
import org.histoscope.models.internal.EvaluationCharts;
import org.springframework.security.access.AccessDeniedException;

/** The evaluations of one model on labelled data sets: their metrics, ROC curve and confusion matrix, and a new one. */
class ModelEvaluations extends VerticalLayout {

    private final ModelEvaluationService evaluations;
    private final Grid<ModelEvaluation> grid = new Grid<>(ModelEvaluation.class, false);
    private final Div details = new Div();
    private Optional<RegisteredModel> model = Optional.empty();

    ModelEvaluations(ModelEvaluationService evaluations) {
        this.evaluations = evaluations;
        grid.setId("evaluations-grid");
        grid.setAllRowsVisible(true);
        grid.addColumn(e -> DisplayFormats.dateTime(e.createdAt())).setHeader(getTranslation("models.eval.started")).setAutoWidth(true);
        grid.addColumn(ModelEvaluation::datasetName).setHeader(getTranslation("models.eval.dataSet")).setAutoWidth(true);
        grid.addColumn(this::status).setHeader(getTranslation("models.column.status")).setAutoWidth(true);
        grid.addColumn(e -> e.metrics() == null ? "" : String.valueOf(e.metrics().n())).setHeader(getTranslation("models.eval.images"));
        grid.addColumn(e -> metric(e, EvaluationMetrics::auc)).setHeader("AUC");
        grid.addColumn(e -> metric(e, EvaluationMetrics::accuracy)).setHeader(getTranslation("models.eval.accuracy"));
        grid.addColumn(e -> metric(e, EvaluationMetrics::sensitivity)).setHeader(getTranslation("models.column.sensitivity"));
        grid.addColumn(e -> metric(e, EvaluationMetrics::specificity)).setHeader(getTranslation("models.column.specificity"));
        grid.addColumn(e -> e.metrics() == null || e.metrics().suggestedThreshold() == null ? ""
                : getTranslation("models.eval.suggestedLine", e.metrics().suggestedThreshold(), e.targetSensitivity()))
                .setHeader(getTranslation("models.eval.suggested")).setAutoWidth(true);
        grid.addSelectionListener(e -> showDetails(e.getFirstSelectedItem().orElse(null)));
        details.setId("evaluation-details");
        Button reload = new Button(getTranslation("models.eval.refresh"), VaadinIcon.REFRESH.create(), e -> refresh());
        add(new H3(getTranslation("models.eval.title")), reload, grid, details);
        setPadding(false);
    }

    void show(Optional<RegisteredModel> selected) {
        model = selected;
        refresh();
    }

    private void refresh() {
        details.removeAll();
        grid.setItems(model.map(m -> evaluations.forModel(m.id())).orElse(List.of()));
    }

    private String status(ModelEvaluation evaluation) {
        return switch (evaluation.status()) {
            case "FAILED" -> getTranslation("models.eval.failed", I18n.text(evaluation.errorText()));
            case "DONE" -> evaluation.errorText() == null ? getTranslation("models.eval.DONE")
                    : getTranslation("models.eval.doneWithNote", I18n.text(evaluation.errorText()));
            case "RUNNING" -> getTranslation("models.eval.running", Math.round(100 * evaluation.progress()));
            case "QUEUED" -> getTranslation("models.eval." + evaluation.status());
            default -> evaluation.status();
        };
    }

    private static String metric(ModelEvaluation evaluation, ToDoubleFunction<EvaluationMetrics> f) {
        return evaluation.metrics() == null ? ""
                : String.format(DisplayFormats.locale(), "%.3f", f.applyAsDouble(evaluation.metrics()));
    }

    private void showDetails(ModelEvaluation evaluation) {
        details.removeAll();
        if (evaluation == null || evaluation.metrics() == null) {
            return;
        }
        EvaluationMetrics m = evaluation.metrics();
        String matrix = String.format(Locale.ROOT, """
                <table style="border-collapse: collapse; text-align: center" border="1" cellpadding="6">\
                <caption>%s</caption>\
                <tr><th></th><th>%s</th><th>%s</th></tr>\
                <tr><th>%s</th><td>%d</td><td>%d</td></tr>\
                <tr><th>%s</th><td>%d</td><td>%d</td></tr></table>""",
                getTranslation("models.eval.matrix", m.threshold()), getTranslation("models.eval.predictedBenign"),
                getTranslation("models.eval.predictedCancer"), getTranslation("models.eval.trueBenign"),
                m.trueNegatives(), m.falsePositives(), getTranslation("models.eval.trueCancer"),
                m.falseNegatives(), m.truePositives());
        HorizontalLayout row = new HorizontalLayout(
                chart("evaluation-roc", "roc", getTranslation("models.eval.roc"), () -> EvaluationCharts.rocPng(m, 360, 320)),
                chart("evaluation-calibration", "calibration", getTranslation("models.eval.calibration"),
                        () -> EvaluationCharts.calibrationPng(m, 360, 320)),
                new Html(matrix));
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        details.add(row);
    }

    /** A chart drawn on the server when the browser asks for it, shown as a plain image. */
    private static Image chart(String id, String name, String description,
                               java.util.function.Supplier<byte[]> png) {
        Image image = new Image(new StreamResource(name + ".png", () -> new ByteArrayInputStream(png.get())),
                description);
        image.setId(id);
        image.setWidth("360px");
        image.setHeight("320px");
        return image;
    }

    /** Asks for a labelled zip and starts an evaluation of the model in the background. */
    void openStartDialog(RegisteredModel target) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(getTranslation("models.eval.dialogTitle", target.name(), target.version()));
        Path[] zip = new Path[1];
        Span received = new Span();
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) ->
                getUI().ifPresent(ui -> ui.access(() -> {
                    zip[0] = file.toPath();
                    received.setText(getTranslation("models.eval.received", metadata.fileName()));
                }))));
        upload.setId("evaluation-upload");
        upload.setMaxFiles(1);
        upload.setAcceptedFileTypes(".zip");
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, UploadedModelFiles.MAX_FILE_BYTES));
        TextField name = new TextField(getTranslation("models.eval.name"));
        name.setMaxLength(300);
        NumberField sensitivity = new NumberField(getTranslation("models.eval.target"));
        sensitivity.setRequiredIndicatorVisible(true);
        sensitivity.setMin(0.01);
        sensitivity.setMax(1);
        sensitivity.setStep(0.01);
        sensitivity.setValue(0.9);
        Button start = new Button(getTranslation("models.eval.start"), e -> {
            if (zip[0] == null || sensitivity.getValue() == null) {
                Notifications.error(getTranslation("models.eval.missing"));
                return;
            }
            try {
                evaluations.start(target.id(), zip[0], name.getValue(), sensitivity.getValue());
                dialog.close();
                Notifications.success(getTranslation("models.eval.begun"));
                refresh();
            } catch (ModelPackageRejectedException | InputRejectedException | RuleRefusedException ex) {
                Notifications.error(getTranslation("models.eval.refused", I18n.refusal(ex)));
            } catch (AccessDeniedException ex) {
                Notifications.error(getTranslation("models.adminsOnly"));
            }
        });
        start.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.add(new VerticalLayout(new Paragraph(getTranslation("models.eval.explanation")), upload, received, name,
                sensitivity));
        dialog.getFooter().add(new Button(getTranslation("common.cancel"), e -> dialog.close()), start);
        dialog.open();
    }
}
