package org.histoscope.ui;

import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import java.util.Locale;
import org.histoscope.inference.HeatmapScale;

/**
 * The legend of every heatmap on screen (slide viewer, result and review previews): the scale from 0 to 1 in the
 * colours of {@link HeatmapScale}, the threshold marked on it, the result's grey zone as a band under it, and, where a
 * view shows them, the out-of-domain and slide-QC layers' colours. The bar is a CSS gradient built from the same
 * palette the heatmaps are drawn with (an inline SVG made of Vaadin elements would not render).
 */
public class HeatmapLegend extends Div {

    private final Div layers = new Div();

    /**
     * @param threshold     marked on the bar
     * @param thresholdText what the mark means, e.g. "Line: tile threshold 0.62"
     * @param greyLow       lower end of the result's grey zone; null when the model card states none
     * @param greyHigh      upper end of the grey zone
     */
    public HeatmapLegend(double threshold, String thresholdText, Double greyLow, Double greyHigh) {
        addClassName("heatmap-legend");
        setId("heatmap-legend");
        Div bar = new Div();
        bar.addClassName("heatmap-legend-bar");
        bar.setId("heatmap-legend-bar");
        bar.getStyle().set("background", HeatmapScale.cssGradient());
        Div marker = new Div();
        marker.addClassName("heatmap-legend-threshold");
        marker.setId("heatmap-legend-threshold");
        marker.getStyle().set("left", cssPercent(threshold));
        bar.add(marker);
        Div band = new Div();
        band.addClassName("heatmap-legend-band");
        band.getStyle().set("position", "relative").set("height", "0.4rem");
        if (greyLow != null && greyHigh != null) {
            Div zone = new Div();
            zone.setId("heatmap-legend-grey-zone");
            zone.getStyle().set("position", "absolute").set("top", "0").set("bottom", "0")
                    .set("left", cssPercent(greyLow)).set("width", cssPercent(Math.max(0, greyHigh - greyLow)))
                    .set("background", HeatmapScale.hex(HeatmapScale.GREY_ZONE_RGB));
            band.add(zone);
        }
        Div scale = new Div(new Span("0"), new Span(getTranslation("heatmap.legend.scale")), new Span("1"));
        scale.addClassName("heatmap-legend-scale");
        Span mark = new Span(thresholdText);
        mark.addClassName("hint");
        mark.getStyle().set("display", "block");
        add(bar, band, scale, mark);
        if (greyLow != null && greyHigh != null) {
            Span zoneText = new Span(getTranslation("heatmap.legend.greyZone", decimal(greyLow), decimal(greyHigh)));
            zoneText.addClassName("hint");
            zoneText.getStyle().set("display", "block");
            add(zoneText);
        }
        layers.addClassName("heatmap-legend-layers");
        add(layers);
    }

    /** Adds a further line of explanation under the scale. */
    public HeatmapLegend withNote(String text) {
        Span note = new Span(text);
        note.addClassName("hint");
        note.getStyle().set("display", "block");
        addComponentAtIndex(indexOf(layers), note);
        return this;
    }

    /** Adds the out-of-domain and slide-QC layers' colours with their tile counts. */
    public HeatmapLegend withLayers(int outOfDomainTiles, int qcFailedTiles) {
        layers.add(swatch("legend-ood", HeatmapScale.OUT_OF_DOMAIN_RGB,
                        getTranslation("heatmap.legend.outOfDomain", String.valueOf(outOfDomainTiles))),
                swatch("legend-qc", HeatmapScale.QC_FAILED_RGB,
                        getTranslation("heatmap.legend.qc", String.valueOf(qcFailedTiles))));
        return this;
    }

    /** "0.620" as the user reads decimals. */
    public static String decimal(double value) {
        return String.format(DisplayFormats.locale(), "%.3f", value);
    }

    /** A CSS length ("37.5%"), always with a full stop whatever the user's language. */
    private static String cssPercent(double probability) {
        return String.format(Locale.ROOT, "%.1f%%", Math.max(0, Math.min(1, probability)) * 100);
    }

    private static Span swatch(String id, int rgb, String text) {
        String colour = HeatmapScale.hex(rgb);
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
}
