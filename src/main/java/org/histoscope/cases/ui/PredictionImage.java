package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Image;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.NativeLabel;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.server.streams.DownloadHandler;
import com.vaadin.flow.server.streams.DownloadResponse;
import java.io.ByteArrayInputStream;
import java.util.function.Supplier;
import org.histoscope.images.ImageRejectedException;
import org.histoscope.inference.PredictionService;
import org.histoscope.inference.StoredPrediction;
import org.histoscope.ui.HeatmapLegend;
import org.histoscope.ui.OpacityInput;
import org.histoscope.cases.CaseImageService;
import org.histoscope.cases.ImageSummary;
import org.histoscope.cases.ui.SlideResultViewer;

/**
 * The image of a prediction with its heatmap (whole images) or explanation (patches) laid over it: the overlay
 * PNG is an absolutely positioned image stretched over the preview, with a toggle and an opacity slider.
 */
public class PredictionImage extends Div {

    static final int PREVIEW_SIDE = 1024;

    public PredictionImage(CaseImageService images, PredictionService predictions, StoredPrediction prediction,
                           ImageSummary image) {
        this(images, predictions, prediction, image, false);
    }

    /** @param explanationPending the patch's explanation is still being computed (it follows the result) */
    public PredictionImage(CaseImageService images, PredictionService predictions, StoredPrediction prediction,
                           ImageSummary image, boolean explanationPending) {
        addClassName("result-panel");
        Image base = new Image(png(() -> images.previewPng(image.id(), PREVIEW_SIDE), "preview.png"),
                "Preview of " + image.originalFilename());
        base.addClassName("result-image");
        base.setId("result-image");
        Div stage = new Div(base);
        stage.addClassName("result-stage");
        add(stage);

        boolean heatmap = prediction.hasHeatmap();
        if (!heatmap && !prediction.hasExplanation()) {
            Paragraph none = new Paragraph(explanationPending
                    ? "The explanation is being computed; it appears here when it is ready."
                    : "No overlay was computed for this prediction.");
            none.setId(explanationPending ? "explanation-pending" : "no-overlay");
            add(none);
            return;
        }
        Image overlay = new Image(png(() -> (heatmap ? predictions.heatmapPng(prediction.id())
                : predictions.explanationPng(prediction.id())).orElse(new byte[0]), "overlay.png"),
                heatmap ? "Tile heatmap" : "Explanation (occlusion sensitivity)");
        overlay.addClassName("result-overlay");
        overlay.setId("result-overlay");
        overlay.getStyle().set("opacity", "0.5");
        stage.add(overlay);

        Checkbox show = new Checkbox(heatmap ? "Show heatmap" : "Show explanation", true);
        show.setId("overlay-toggle");
        show.addValueChangeListener(e -> overlay.setVisible(e.getValue()));
        Input opacity = new Input(ValueChangeMode.EAGER);
        opacity.setType("range");
        opacity.getElement().setAttribute("min", "0");
        opacity.getElement().setAttribute("max", "100");
        opacity.setValue("50");
        opacity.setId("overlay-opacity");
        opacity.setAriaLabel("Overlay opacity");
        opacity.addValueChangeListener(e -> overlay.getStyle().set("opacity", String.valueOf(OpacityInput.percent(e.getValue()) / 100.0)));
        NativeLabel opacityLabel = new NativeLabel("Opacity");
        opacityLabel.setFor(opacity);
        HorizontalLayout controls = new HorizontalLayout(show, opacityLabel, opacity);
        controls.setAlignItems(FlexComponent.Alignment.CENTER);
        add(controls);
        if (heatmap) {
            // the same scale, threshold mark and grey-zone band as the slide viewer and the PDF
            double threshold = SlideResultViewer.tileThreshold(prediction);
            var greyZone = prediction.assessment().greyZone();
            add(new HeatmapLegend(threshold, getTranslation("result.legend.threshold", HeatmapLegend.decimal(threshold)),
                    greyZone == null ? null : greyZone.low(), greyZone == null ? null : greyZone.high())
                    .withNote(getTranslation("result.legend.note")));
        } else {
            Paragraph legend = new Paragraph("Explanation: the regions whose occlusion changes the probability most are highlighted.");
            legend.addClassName("hint");
            add(legend);
        }
    }

    private static DownloadHandler png(Supplier<byte[]> bytes, String name) {
        return DownloadHandler.fromInputStream(event -> {
            try {
                byte[] content = bytes.get();
                return new DownloadResponse(new ByteArrayInputStream(content), name, "image/png", content.length);
            } catch (ImageRejectedException e) {
                return DownloadResponse.error(422, I18n.refusal(e));
            }
        });
    }
}
