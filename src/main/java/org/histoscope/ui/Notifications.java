package org.histoscope.ui;

import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import java.util.stream.Collectors;

/** Short messages for the user, consistently placed and styled. */
public final class Notifications {

    private Notifications() {
    }

    public static void success(String message) {
        show(message, NotificationVariant.LUMO_SUCCESS, 4000);
    }

    public static void error(String message) {
        show(message, NotificationVariant.LUMO_ERROR, 8000);
    }

    /**
     * The input rules a form broke. What is shown are the rules' own messages (the {@code message} of the constraint
     * annotations on the input records, written for people), never the exception's text.
     */
    public static void invalid(ConstraintViolationException invalid) {
        error(invalid.getConstraintViolations().stream().map(ConstraintViolation::getMessage).sorted()
                .collect(Collectors.joining("; ")));
    }

    public static void info(String message) {
        show(message, NotificationVariant.LUMO_CONTRAST, 5000);
    }

    private static void show(String message, NotificationVariant variant, int millis) {
        Notification notification = Notification.show(message, millis, Notification.Position.BOTTOM_START);
        notification.addThemeVariants(variant);
    }
}
