package org.histoscope.viewer.ui;

import java.text.DecimalFormatSymbols;
import java.util.List;
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
import org.histoscope.inference.HeatmapScale;
import org.histoscope.inference.WholeSlideScoring;
import org.histoscope.ui.HeatmapLegend;
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

    /** The names of slide-viewer.js's texts; each is {@code viewer.js.<name>} in the bundles. */
    public static final List<String> SCRIPT_TEXTS = List.of("outside", "where", "position", "background", "probability",
            "smoothedAbove", "smoothedBelow", "outOfDomain", "blurred", "penInk", "exposure", "zoomIn", "zoomOut", "home",
            "fullPage");

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
        this(dziUrl, width, height, grid, threshold, micronsPerPixel, null, null);
    }

    /** @param greyLow the result's grey zone, shown as a band on the legend; null (both) when none is stated */
    public SlideViewer(String dziUrl, int width, int height, ProbabilityGrid grid, double threshold,
                       Double micronsPerPixel, Double greyLow, Double greyHigh) {
        addClassName("slide-viewer");
        setId("slide-viewer");
        Div canvas = new Div();
        canvas.addClassName("slide-viewer-canvas");
        canvas.setId("slide-viewer-canvas");
        Div info = new Div(new Span(grid == null ? "" : getTranslation("viewer.clickHint")));
        info.addClassName("slide-viewer-info");
        info.setId("viewer-tile-info");
        add(canvas);
        if (grid != null) {
            add(controls(), legend(threshold, grid, greyLow, greyHigh));
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
        // one colour scheme: the tiles are coloured with the server's palette, the layers with its colours
        JsonArray palette = Json.createArray();
        String[] colours = HeatmapScale.palette();
        for (int i = 0; i < colours.length; i++) {
            palette.set(i, colours[i]);
        }
        options.put("palette", palette);
        options.put("outOfDomainColour", HeatmapScale.hex(HeatmapScale.OUT_OF_DOMAIN_RGB));
        options.put("qcColour", HeatmapScale.hex(HeatmapScale.QC_FAILED_RGB));
        options.put("texts", texts());
    }

    /** The script's own words (tile descriptions, button tooltips) in the user's language; it has English defaults. */
    private JsonObject texts() {
        JsonObject texts = Json.createObject();
        for (String name : SCRIPT_TEXTS) {
            // no arguments: the script fills the numbered placeholders ({0} ...) itself
            texts.put(name, getTranslation("viewer.js." + name));
        }
        texts.put("decimalSeparator", String.valueOf(DecimalFormatSymbols.getInstance(getLocale()).getDecimalSeparator()));
        return texts;
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
        Checkbox show = new Checkbox(getTranslation("viewer.showHeatmap"), true);
        show.setId("heatmap-toggle");
        show.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setVisible(this, $0)", e.getValue()));
        Input opacity = new Input(ValueChangeMode.EAGER);
        opacity.setType("range");
        opacity.getElement().setAttribute("min", "0");
        opacity.getElement().setAttribute("max", "100");
        opacity.setValue(String.valueOf((int) (INITIAL_OPACITY * 100)));
        opacity.setId("heatmap-opacity");
        opacity.setAriaLabel(getTranslation("viewer.heatmapOpacity"));
        opacity.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setOpacity(this, $0)", OpacityInput.percent(e.getValue()) / 100.0));
        NativeLabel label = new NativeLabel(getTranslation("viewer.opacity"));
        label.setFor(opacity);
        Checkbox mask = new Checkbox(getTranslation("viewer.showTissueMask"), false);
        mask.setId("tissue-mask-toggle");
        mask.setTooltipText(getTranslation("viewer.tissueMask.tooltip"));
        mask.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setMaskVisible(this, $0)", e.getValue()));
        Checkbox outOfDomain = new Checkbox(getTranslation("viewer.showOutOfDomain"), true);
        outOfDomain.setId("ood-layer-toggle");
        outOfDomain.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setLayerVisible(this, 'ood', $0)", e.getValue()));
        Checkbox qc = new Checkbox(getTranslation("viewer.showQcFailures"), true);
        qc.setId("qc-layer-toggle");
        qc.addValueChangeListener(e -> getElement().executeJs(
                "window.histoscopeSlideViewer.setLayerVisible(this, 'qc', $0)", e.getValue()));
        HorizontalLayout controls = new HorizontalLayout(show, label, opacity, mask, outOfDomain, qc);
        controls.setWrap(true);
        controls.setAlignItems(FlexComponent.Alignment.CENTER);
        controls.addClassName("slide-viewer-controls");
        return controls;
    }

    /** The colour map from 0 to 1 with the tile threshold marked, what the outline means, and the flag layers. */
    private HeatmapLegend legend(double threshold, ProbabilityGrid grid, Double greyLow, Double greyHigh) {
        int outOfDomain = 0;
        int qcFailed = 0;
        byte[] flags = grid.flags();
        for (int i = 0; i < flags.length; i++) {
            outOfDomain += (flags[i] & OUT_OF_DOMAIN) != 0 ? 1 : 0;
            qcFailed += (flags[i] & ~OUT_OF_DOMAIN) != 0 ? 1 : 0;
        }
        return new HeatmapLegend(threshold, getTranslation("viewer.legend.threshold",
                HeatmapLegend.decimal(threshold)), greyLow, greyHigh)
                .withNote(getTranslation("viewer.legend.note"))
                .withLayers(outOfDomain, qcFailed);
    }

    /** Flag bit of a tile outside the training domain (inference's TileFlags.OUT_OF_DOMAIN); other bits are QC. */
    private static final byte OUT_OF_DOMAIN = 1;

    /**
     * Pans and zooms the viewer to a region in full-resolution slide pixels (a tile of the top-tile list), with
     * the tiles around it in view; waits for the slide to open if it has not yet.
     */
    public void showRegion(int x, int y, int width, int height) {
        getElement().executeJs("const el = this; (function go() {"
                + " if (window.histoscopeSlideViewer && el.histoscopeViewer && el.histoscopeViewer.viewer.world.getItemCount() > 0) {"
                + " window.histoscopeSlideViewer.showRegion(el, $0, $1, $2, $3); } else { setTimeout(go, 50); } })();",
                x, y, width, height);
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
