package org.histoscope.cases.ui;

import com.vaadin.flow.component.grid.Grid;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.cases.ImageSummary;

/** The images stored with a case: what was uploaded, its format and size, its fingerprint, by whom and when. */
class CaseImagesGrid extends Grid<ImageSummary> {

    CaseImagesGrid() {
        setId("image-grid");
        setAllRowsVisible(true);
        addColumn(ImageSummary::originalFilename).setHeader("File").setAutoWidth(true);
        addColumn(i -> i.format() + " " + i.width() + " × " + i.height()
                + (i.resolution() == null ? "" : " · " + i.resolution())).setHeader("Format").setAutoWidth(true);
        addColumn(i -> String.format(DisplayFormats.locale(), "%,d bytes", i.sizeBytes())).setHeader("Size")
                .setAutoWidth(true);
        addColumn(i -> i.sha256().substring(0, 12) + "…").setHeader("SHA-256").setTooltipGenerator(ImageSummary::sha256);
        addColumn(i -> i.uploadedBy() + ", " + DisplayFormats.dateTime(i.uploadedAt())).setHeader("Uploaded")
                .setAutoWidth(true);
        setEmptyStateText("No images uploaded yet.");
    }
}
