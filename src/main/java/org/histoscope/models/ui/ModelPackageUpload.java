package org.histoscope.models.ui;

import org.histoscope.ui.I18n;
import org.histoscope.platform.InputRejectedException;
import org.histoscope.platform.RuleRefusedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.server.streams.UploadHandler;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.histoscope.ui.Notifications;
import org.histoscope.models.ModelPackageRejectedException;
import org.histoscope.models.ModelRegistry;
import org.histoscope.models.UploadedModelFiles;
import org.histoscope.models.RegisteredModel;
import org.springframework.security.access.AccessDeniedException;

/**
 * Adds a model package to the registry: a zip with model.onnx, model-card.json and reference/, or the ONNX file and
 * its card uploaded together. The registry validates it before anything is registered.
 */
class ModelPackageUpload extends VerticalLayout {

    private final ModelRegistry registry;
    private final Runnable onRegistered;
    private final Button register = new Button(getTranslation("models.upload.register"), VaadinIcon.UPLOAD.create());
    private final Span uploaded = new Span();
    /** Uploaded files, kept until registered or replaced. */
    private final UploadedModelFiles files = new UploadedModelFiles();

    ModelPackageUpload(ModelRegistry registry, Runnable onRegistered) {
        this.registry = registry;
        this.onRegistered = onRegistered;
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> {
            Path path = file.toPath();
            getUI().ifPresent(ui -> ui.access(() -> accept(metadata.fileName(), path)));
        }));
        upload.setId("model-upload");
        upload.setMaxFiles(3);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, UploadedModelFiles.MAX_FILE_BYTES));
        upload.setAcceptedFileTypes(".zip", ".onnx", ".json");
        upload.setDropLabel(new Span(getTranslation("models.upload.drop")));
        register.setId("model-register");
        register.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        register.setEnabled(false);
        register.addClickListener(e -> registerUploaded());
        uploaded.setId("model-uploaded");
        HorizontalLayout row = new HorizontalLayout(register, uploaded);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        add(new H3(getTranslation("models.upload.title")), new Paragraph(getTranslation("models.upload.explanation")),
                upload, row);
        setPadding(false);
    }

    /** The models feature recognises the file by its content and checks its size again. */
    private void accept(String fileName, Path file) {
        try {
            files.accept(fileName, file);
            uploaded.setText(getTranslation("models.upload.ready", String.join(", ", files.kinds())));
            register.setEnabled(files.complete());
        } catch (ModelPackageRejectedException e) {
            Notifications.error(I18n.refusal(e));
        } catch (UncheckedIOException e) {
            Notifications.error(getTranslation("models.upload.unreadable"));
        }
    }

    private void registerUploaded() {
        try {
            RegisteredModel added = registry.addUploaded(files);
            Notifications.success(getTranslation("models.upload.registered", added.name(), added.version()));
            uploaded.setText("");
            register.setEnabled(false);
            onRegistered.run();
        } catch (ModelPackageRejectedException | InputRejectedException | RuleRefusedException e) {
            Notifications.error(getTranslation("models.upload.refused", I18n.refusal(e)));
        } catch (AccessDeniedException e) {
            Notifications.error(getTranslation("models.adminsOnly"));
        } catch (UncheckedIOException e) {
            Notifications.error(getTranslation("models.upload.unprepared"));
        }
    }
}
