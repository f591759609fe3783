package org.histoscope.cases.ui;

import org.histoscope.ui.I18n;
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
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.RolesAllowed;
import org.histoscope.ui.DisplayFormats;
import org.histoscope.security.Roles;
import org.histoscope.ui.Notifications;
import org.histoscope.cases.CaseRuleException;
import org.histoscope.cases.DepartmentPixelSizeService;

/** The administrators' setting of the department's default pixel size (for images that carry none). */
@Route("admin/pixel-size")
@Menu(title = "Default pixel size", order = 95)
@RolesAllowed(Roles.ADMIN)
public class DepartmentPixelSizeView extends VerticalLayout implements HasDynamicTitle {

    private final DepartmentPixelSizeService settings;
    private final Paragraph current = new Paragraph();

    public DepartmentPixelSizeView(DepartmentPixelSizeService settings) {
        this.settings = settings;
        current.setId("pixel-size-current");
        NumberField microns = new NumberField(getTranslation("pixelSize.field"));
        microns.setId("pixel-size-default");
        microns.setMin(0.05);
        microns.setMax(50);
        microns.setStep(0.01);
        microns.setHelperText(getTranslation("pixelSize.help"));
        TextField reason = new TextField(getTranslation("pixelSize.reason"));
        reason.setId("pixel-size-reason");
        reason.setRequired(true);
        reason.setRequiredIndicatorVisible(true);
        Button save = new Button(getTranslation("common.save"), e -> {
            try {
                settings.set(microns.getValue(), reason.getValue());
                Notifications.success(getTranslation("pixelSize.changed"));
                reason.clear();
                show();
            } catch (CaseRuleException rule) {
                Notifications.error(I18n.refusal(rule));
            }
        });
        save.setId("pixel-size-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        settings.current().ifPresent(d -> microns.setValue(d.micronsPerPixel()));
        HorizontalLayout form = new HorizontalLayout(microns, reason, save);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new H2(getTranslation("pixelSize.title")), new Paragraph(getTranslation("pixelSize.explanation")),
                current, form);
        show();
    }

    private void show() {
        current.setText(settings.current().map(d -> getTranslation("pixelSize.now",
                        d.micronsPerPixel(), d.changedBy(),
                        DisplayFormats.dateTime(d.changedAt())))
                .orElseGet(() -> getTranslation("pixelSize.none")));
    }

    @Override
    public String getPageTitle() {
        return getTranslation("pixelSize.pageTitle");
    }
}
