package org.histoscope.cases.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import java.util.Locale;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.DepartmentPixelSizeService;

/** The administrators' setting of the department's default pixel size (for images that carry none). */
@Route("admin/pixel-size")
@PageTitle("Default pixel size | Histoscope")
@Menu(title = "Default pixel size", order = 95)
@RolesAllowed(Roles.ADMIN)
public class DepartmentPixelSizeView extends VerticalLayout {

    private final DepartmentPixelSizeService settings;
    private final Paragraph current = new Paragraph();

    public DepartmentPixelSizeView(DepartmentPixelSizeService settings) {
        this.settings = settings;
        current.setId("pixel-size-current");
        NumberField microns = new NumberField("Default pixel size (µm/px)");
        microns.setId("pixel-size-default");
        microns.setMin(0.05);
        microns.setMax(50);
        microns.setStep(0.01);
        microns.setHelperText("40x objective = 0.25, 20x = 0.5, 10x = 1.0. Empty: no default.");
        TextField reason = new TextField("Reason");
        reason.setId("pixel-size-reason");
        reason.setRequired(true);
        Button save = new Button("Save", e -> {
            try {
                settings.set(microns.getValue(), reason.getValue());
                Notifications.success("The department's default pixel size was changed.");
                reason.clear();
                show();
            } catch (CaseRuleException rule) {
                Notifications.error(rule.userMessage());
            }
        });
        save.setId("pixel-size-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        settings.current().ifPresent(d -> microns.setValue(d.micronsPerPixel()));
        HorizontalLayout form = new HorizontalLayout(microns, reason, save);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new H2("Default pixel size"), new Paragraph("Images whose file states no pixel size and for which none was"
                + " stated at upload are brought to the model's resolution from this value. Without a default they are"
                + " analysed at the model's own resolution and their results say \"pixel size unknown\"."),
                current, form);
        show();
    }

    private void show() {
        current.setText(settings.current().map(d -> String.format(Locale.ROOT, "Now: %s µm/px, set by %s on %s.",
                d.micronsPerPixel(), d.changedBy(), DisplayFormats.dateTime(d.changedAt())))
                .orElse("Now: no default."));
    }
}
