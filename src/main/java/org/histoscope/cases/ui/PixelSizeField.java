package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
import org.histoscope.platform.InputRejectedException;
import org.histoscope.cases.StatedPixelSize;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.NumberField;

/**
 * The upload form's "pixel size when the file has none": SVS, OME-TIFF and TIFFs with resolution tags state theirs,
 * PNG/JPEG/BMP photographs do not, and the model must then be told the objective (or µm/px) to tile at its scale.
 * Read from upload threads, so the current choice is kept in a volatile field.
 */
class PixelSizeField extends HorizontalLayout {

    // the choices are their bundle keys; the select shows their text
    private static final String FROM_FILE = "case.pixelSize.fromFile";
    private static final String X40 = "case.pixelSize.x40";
    private static final String X20 = "case.pixelSize.x20";
    private static final String X10 = "case.pixelSize.x10";
    private static final String OTHER = "case.pixelSize.other";

    private final Select<String> choice = new Select<>();
    private final NumberField microns = new NumberField(getTranslation("case.pixelSize.microns"));
    private volatile StatedPixelSize stated;

    PixelSizeField() {
        choice.setLabel(getTranslation("case.pixelSize.label"));
        choice.setItems(FROM_FILE, X40, X20, X10, OTHER);
        choice.setItemLabelGenerator(key -> getTranslation(key));
        choice.setValue(FROM_FILE);
        choice.setId("upload-pixel-size");
        choice.setWidth("20em");
        microns.setId("upload-microns-per-pixel");
        microns.setMin(0.05);
        microns.setMax(50);
        microns.setStep(0.001);
        microns.setVisible(false);
        microns.setHelperText("0.05 – 50");
        choice.addValueChangeListener(e -> {
            microns.setVisible(OTHER.equals(e.getValue()));
            update();
        });
        microns.addValueChangeListener(e -> update());
        setAlignItems(FlexComponent.Alignment.BASELINE);
        add(choice, microns);
    }

    /** The stated size, or null for "from the file" (or an invalid µm/px value, which the field flags). */
    StatedPixelSize stated() {
        return stated;
    }

    private void update() {
        String value = choice.getValue();
        microns.setInvalid(false);
        if (X40.equals(value)) {
            stated = StatedPixelSize.objective(40);
        } else if (X20.equals(value)) {
            stated = StatedPixelSize.objective(20);
        } else if (X10.equals(value)) {
            stated = StatedPixelSize.objective(10);
        } else if (OTHER.equals(value) && microns.getValue() != null) {
            try {
                stated = StatedPixelSize.micronsPerPixel(microns.getValue());
            } catch (InputRejectedException e) {
                stated = null;
                microns.setErrorMessage(I18n.refusal(e));
                microns.setInvalid(true);
            }
        } else {
            stated = null;
        }
    }
}
