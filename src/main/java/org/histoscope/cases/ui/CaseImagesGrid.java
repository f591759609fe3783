package org.histoscope.cases.ui;

import com.vaadin.flow.component.grid.Grid;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.cases.ImageSummary;

/** The images stored with a case: what was uploaded, its format and size, its fingerprint, by whom and when. */
class CaseImagesGrid extends Grid<ImageSummary> {

    CaseImagesGrid() {
        setId("image-grid");
        setAllRowsVisible(true);
        addColumn(ImageSummary::originalFilename).setHeader(getTranslation("case.images.file")).setAutoWidth(true);
        addColumn(i -> i.format() + " " + i.width() + " × " + i.height()
                + (i.resolution() == null ? "" : " · " + i.resolution())).setHeader(getTranslation("case.images.format")).setAutoWidth(true);
        addColumn(i -> getTranslation("case.images.bytes", i.sizeBytes())).setHeader(getTranslation("case.images.size"))
                .setAutoWidth(true);
        addColumn(i -> i.sha256().substring(0, 12) + "…").setHeader("SHA-256").setTooltipGenerator(ImageSummary::sha256);
        addColumn(i -> getTranslation("case.images.uploadedLine", i.uploadedBy(), DisplayFormats.dateTime(i.uploadedAt())))
                .setHeader(getTranslation("case.images.uploaded"))
                .setAutoWidth(true);
        setEmptyStateText(getTranslation("case.images.empty"));
    }
}
