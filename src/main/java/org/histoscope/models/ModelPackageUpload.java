package org.histoscope.models;

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
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.histoscope.ui.Notifications;
import org.springframework.security.access.AccessDeniedException;

/**
 * Adds a model package to the registry: a zip with model.onnx, model-card.json and reference/, or the ONNX file and
 * its card uploaded together. The registry validates it before anything is registered.
 */
class ModelPackageUpload extends VerticalLayout {

    static final long MAX_UPLOAD_BYTES = 2L * 1024 * 1024 * 1024;

    private final ModelRegistry registry;
    private final Runnable onRegistered;
    private final Button register = new Button(getTranslation("models.upload.register"), VaadinIcon.UPLOAD.create());
    private final Span uploaded = new Span();
    /** Uploaded files by kind ("zip", "onnx", "card"), kept until registered or replaced. */
    private final Map<String, Path> uploads = new LinkedHashMap<>();

    ModelPackageUpload(ModelRegistry registry, Runnable onRegistered) {
        this.registry = registry;
        this.onRegistered = onRegistered;
        Upload upload = new Upload(UploadHandler.toTempFile((metadata, file) -> {
            Path path = file.toPath();
            getUI().ifPresent(ui -> ui.access(() -> accept(metadata.fileName(), path)));
        }));
        upload.setId("model-upload");
        upload.setMaxFiles(3);
        upload.setMaxFileSize((int) Math.min(Integer.MAX_VALUE, MAX_UPLOAD_BYTES));
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

    /** Files are recognised by content: zip by its magic bytes, the card as JSON, anything else as the ONNX model. */
    private void accept(String fileName, Path file) {
        try {
            // the browser enforces the limit only as a courtesy: check again here
            if (Files.size(file) > MAX_UPLOAD_BYTES) {
                Files.deleteIfExists(file);
                Notifications.error(getTranslation("models.upload.tooLarge", fileName));
                return;
            }
            String kind = kindOf(file);
            Path previous = uploads.put(kind, file);
            if (previous != null && !previous.equals(file)) {
                Files.deleteIfExists(previous);
            }
            if (kind.equals("zip")) {
                discard("onnx");
                discard("card");
            } else {
                discard("zip");
            }
            uploaded.setText(getTranslation("models.upload.ready", String.join(", ", uploads.keySet())));
            register.setEnabled(uploads.containsKey("zip") || uploads.containsKey("onnx") && uploads.containsKey("card"));
        } catch (IOException e) {
            Notifications.error(getTranslation("models.upload.unreadable"));
        }
    }

    private static String kindOf(Path file) throws IOException {
        byte[] head = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, 4);
        }
        if (read == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "zip";
        }
        String start = new String(head, 0, Math.max(0, read), StandardCharsets.ISO_8859_1).strip();
        return start.startsWith("{") ? "card" : "onnx";
    }

    private void registerUploaded() {
        Path folder = null;
        try {
            RegisteredModel added;
            if (uploads.containsKey("zip")) {
                added = registry.addPackage(uploads.get("zip"));
            } else {
                folder = Files.createTempDirectory("model-package");
                Files.copy(uploads.get("onnx"), folder.resolve("model.onnx"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(uploads.get("card"), folder.resolve("model-card.json"), StandardCopyOption.REPLACE_EXISTING);
                added = registry.addPackage(folder);
            }
            Notifications.success(getTranslation("models.upload.registered", added.name(), added.version()));
            uploads.keySet().forEach(this::discardQuietly);
            uploads.clear();
            uploaded.setText("");
            register.setEnabled(false);
            onRegistered.run();
        } catch (ModelPackageRejectedException | InputRejectedException | RuleRefusedException e) {
            Notifications.error(getTranslation("models.upload.refused", e.userMessage()));
        } catch (AccessDeniedException e) {
            Notifications.error(getTranslation("models.adminsOnly"));
        } catch (IOException e) {
            Notifications.error(getTranslation("models.upload.unprepared"));
        } finally {
            ModelRegistryService.deleteQuietly(folder);
        }
    }

    private void discard(String kind) {
        discardQuietly(kind);
        uploads.remove(kind);
    }

    private void discardQuietly(String kind) {
        Path file = uploads.get(kind);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file; the OS cleans it up eventually
            }
        }
    }
}
