package org.histoscope.viewer.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Input;
import com.vaadin.flow.component.html.NativeLabel;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.data.value.ValueChangeMode;
import elemental.json.Json;
import elemental.json.JsonArray;
import elemental.json.JsonObject;
import java.util.Locale;
import org.histoscope.inference.WholeSlideScoring;
import org.histoscope.ui.OpacityInput;
import org.histoscope.viewer.ProbabilityGrid;

/**
 * The deep-zoom slide viewer: OpenSeadragon 6.1.1 (a static resource under META-INF/resources, loaded with
 * {@code Page.addJavaScript}, so Vaadin's pre-compiled bundle stays usable) showing the DZI tiles, with the tile
 * heatmap in slide coordinates, its legend, an opacity slider and a toggle that act in the browser without
 * reloading tiles, and the probability of the tile under a click.
 */
public class SlideViewer extends Div {

    static final String OPENSEADRAGON = "context://openseadragon/6.1.1/openseadragon.min.js";
    static final String GLUE = "context://histoscope/slide-viewer.js";
    private static final double INITIAL_OPACITY = 0.5;

    private final JsonObject options;

    /**
     * @param dziUrl          the DZI descriptor, e.g. {@code slides/12.dzi} (relative to the app's context path)
     * @param width           slide width in full-resolution pixels
     * @param height          slide height
     * @param grid            tile probabilities; null to show the slide alone
     * @param threshold       the tile threshold: tiles whose smoothed probability is at or above it are outlined
     * @param micronsPerPixel the slide's pixel size, for positions in mm; null when unknown
     */
    public SlideViewer(String dziUrl, int width, int height, ProbabilityGrid grid, double threshold,
                       Double micronsPerPixel) {
        addClassName("slide-viewer");
        setId("slide-viewer");
        Div canvas = new Div();
        canvas.addClassName("slide-viewer-canvas");
        canvas.setId("slide-viewer-canvas");
        Div info = new Div(new Span(grid == null ? "" : "Click the slide to read a tile's probability."));
        info.addClassName("slide-viewer-info");
        info.setId("viewer-tile-info");
        add(canvas);
        if (grid != null) {
            add(controls(), legend(threshold, grid));
        }
        add(info);

        options = Json.createObject();
        options.put("dziUrl", dziUrl);
        options.put("prefixUrl", "openseadragon/6.1.1/images/");
        options.put("width", width);
        options.put("height", height);
        options.put("threshold", threshold);
        options.put("opacity", INITIAL_OPACITY);
        if (micronsPerPixel != null) {
            options.put("micronsPerPixel", micronsPerPixel);
        }
        if (grid != null) {
            options.put("grid", gridJson(grid));
        }
    }

    @Override
    protected void onAttach(AttachEvent event) {
        super.onAttach(event);
        event.getUI().getPage().addJavaScript(OPENSEADRAGON);
        event.getUI().getPage().addJavaScript(GLUE);
        // the scripts may still be loading on the first attach: wait for them
        getElement().executeJs("const el = this, o = $0; (function go() {"
                + " if (window.OpenSeadragon && window.histoscopeSlideViewer) { window.histoscopeSlideViewer.create(el, o); }"
                + " else { setTimeout(go, 50); } })();", options);
    }

    private HorizontalLayout controls() {
        Checkbox show = new Checkbox("Show heatmap", true);
        show.setId("heatmap-toggle");
        show.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setVisible(this, $0)", e.getValue()));
        Input opacity = new Input(ValueChangeMode.EAGER);
        opacity.setType("range");
        opacity.getElement().setAttribute("min", "0");
        opacity.getElement().setAttribute("max", "100");
        opacity.setValue(String.valueOf((int) (INITIAL_OPACITY * 100)));
        opacity.setId("heatmap-opacity");
        opacity.setAriaLabel("Heatmap opacity");
        opacity.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setOpacity(this, $0)", OpacityInput.percent(e.getValue()) / 100.0));
        NativeLabel label = new NativeLabel("Opacity");
        label.setFor(opacity);
        Checkbox mask = new Checkbox("Show tissue mask", false);
        mask.setId("tissue-mask-toggle");
        mask.setTooltipText("Green border: the tiles the tissue detector classified; the rest was taken for glass");
        mask.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setMaskVisible(this, $0)", e.getValue()));
        Checkbox outOfDomain = new Checkbox("Show tiles outside the training domain", true);
        outOfDomain.setId("ood-layer-toggle");
        outOfDomain.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setLayerVisible(this, 'ood', $0)", e.getValue()));
        Checkbox qc = new Checkbox("Show slide QC failures", true);
        qc.setId("qc-layer-toggle");
        qc.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setLayerVisible(this, 'qc', $0)", e.getValue()));
        HorizontalLayout controls = new HorizontalLayout(show, label, opacity, mask, outOfDomain, qc);
        controls.setWrap(true);
        controls.setAlignItems(FlexComponent.Alignment.CENTER);
        controls.addClassName("slide-viewer-controls");
        return controls;
    }

    /** The colour map from 0 to 1 with the threshold marked, what the outline means, and the flag layers. */
    private static Div legend(double threshold, ProbabilityGrid grid) {
        Div bar = new Div();
        bar.addClassName("heatmap-legend-bar");
        bar.getStyle().set("background", "linear-gradient(to right, hsl(240,100%,50%), hsl(180,100%,50%), "
                + "hsl(120,100%,50%), hsl(60,100%,50%), hsl(0,100%,50%))");
        Div marker = new Div();
        marker.addClassName("heatmap-legend-threshold");
        marker.getStyle().set("left", String.format(Locale.ROOT, "%.1f%%", threshold * 100));
        bar.add(marker);
        Div scale = new Div(new Span("0"), new Span("probability of cancer"), new Span("1"));
        scale.addClassName("heatmap-legend-scale");
        Span note = new Span(String.format(Locale.ROOT,
                "Colours: tile probabilities smoothed with their neighbours (as the slide score). Black outline: "
                        + "tiles whose smoothed probability is at or above the tile threshold %.3f (white line on the "
                        + "bar), on the same map the colours show. Background tiles are left clear; the tissue mask "
                        + "shows their border in green.", threshold));
        note.addClassName("hint");
        int outOfDomain = 0;
        int qcFailed = 0;
        byte[] flags = grid.flags();
        for (int i = 0; i < flags.length; i++) {
            outOfDomain += (flags[i] & OUT_OF_DOMAIN) != 0 ? 1 : 0;
            qcFailed += (flags[i] & ~OUT_OF_DOMAIN) != 0 ? 1 : 0;
        }
        Div layers = new Div(swatch("legend-ood", OOD_COLOUR, String.format(Locale.ROOT,
                        "Outside the model's training domain (%d tiles): not coloured, not in the slide score", outOfDomain)),
                swatch("legend-qc", QC_COLOUR, String.format(Locale.ROOT,
                        "Failed slide QC: blurred, pen ink, too dark or washed out (%d tiles): not in the slide score",
                        qcFailed)));
        layers.addClassName("heatmap-legend-layers");
        Div legend = new Div(bar, scale, note, layers);
        legend.addClassName("heatmap-legend");
        legend.setId("heatmap-legend");
        return legend;
    }

    /** Flag bit of a tile outside the training domain (inference's TileFlags.OUT_OF_DOMAIN); other bits are QC. */
    private static final byte OUT_OF_DOMAIN = 1;
    static final String OOD_COLOUR = "#c000c0";
    static final String QC_COLOUR = "#606060";

    private static Span swatch(String id, String colour, String text) {
        Span box = new Span();
        box.addClassName("legend-swatch");
        box.getStyle().set("display", "inline-block").set("width", "1em").set("height", "1em")
                .set("margin-right", "0.4em").set("vertical-align", "middle")
                .set("background", "repeating-linear-gradient(45deg, " + colour + " 0 3px, transparent 3px 6px)")
                .set("border", "2px solid " + colour);
        Span entry = new Span(box, new Span(text));
        entry.setId(id);
        entry.getStyle().set("display", "block");
        return entry;
    }

    private static JsonObject gridJson(ProbabilityGrid grid) {
        JsonObject json = Json.createObject();
        json.put("columns", grid.columns());
        json.put("rows", grid.rows());
        json.put("tileSide", grid.tileSide());
        JsonArray values = Json.createArray();
        float[] probabilities = grid.probabilities();
        for (int i = 0; i < probabilities.length; i++) {
            if (Float.isNaN(probabilities[i])) {
                values.set(i, Json.createNull());
            } else {
                values.set(i, probabilities[i]);
            }
        }
        json.put("probabilities", values);
        byte[] flags = grid.flags();
        JsonArray flagValues = Json.createArray();
        float[] usable = probabilities.clone();
        for (int i = 0; i < flags.length; i++) {
            flagValues.set(i, flags[i]);
            if (flags[i] != 0) {
                usable[i] = Float.NaN; // as the slide score: flagged tiles neither coloured nor smoothed in
            }
        }
        json.put("flags", flagValues);
        float[] smoothed = WholeSlideScoring.smooth(usable, grid.columns(), grid.rows(),
                WholeSlideScoring.SIGMA_TILES);
        JsonArray smoothedValues = Json.createArray();
        for (int i = 0; i < smoothed.length; i++) {
            if (Float.isNaN(smoothed[i])) {
                smoothedValues.set(i, Json.createNull());
            } else {
                smoothedValues.set(i, smoothed[i]);
            }
        }
        json.put("smoothed", smoothedValues);
        return json;
    }
}
