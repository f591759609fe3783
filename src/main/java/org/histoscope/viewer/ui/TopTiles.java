package org.histoscope.viewer.ui;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.Shortcuts;
import com.vaadin.flow.component.grid.Grid;
import java.util.List;
import org.histoscope.inference.TileScore;
import org.histoscope.ui.DisplayFormats;

/**
 * The highest-scoring tiles of a whole-slide result. Beside a {@link SlideViewer}, a click on a row (or Enter on a
 * focused one) pans and zooms the viewer to that tile.
 */
public class TopTiles extends Grid<TileScore> {

    private TileScore focused;

    /** @param viewer the viewer to move; null where the result is shown without one (its rows then only list) */
    public TopTiles(List<TileScore> tiles, SlideViewer viewer) {
        addColumn(t -> t.x() + ", " + t.y()).setHeader(getTranslation("viewer.topTiles.position"));
        addColumn(t -> t.width() + " × " + t.height()).setHeader(getTranslation("viewer.topTiles.size"));
        addColumn(t -> String.format(DisplayFormats.locale(), "%.4f", t.probability()))
                .setHeader(getTranslation("viewer.topTiles.probability"));
        setItems(tiles);
        setAllRowsVisible(true);
        setId("top-tiles");
        if (viewer != null) {
            addClassName("top-tiles-linked");
            addItemClickListener(e -> show(viewer, e.getItem()));
            addCellFocusListener(e -> focused = e.getItem().orElse(null));
            Shortcuts.addShortcutListener(this, () -> {
                if (focused != null) {
                    show(viewer, focused);
                }
            }, Key.ENTER).listenOn(this);
        }
    }

    private static void show(SlideViewer viewer, TileScore tile) {
        viewer.showRegion(tile.x(), tile.y(), tile.width(), tile.height());
    }
}
