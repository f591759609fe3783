package org.histoscope.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ErrorEvent;
import com.vaadin.flow.server.ErrorHandler;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import org.histoscope.platform.ErrorReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * Every session's error handler: an exception thrown in a listener (a click, a value change, an upload) is logged
 * with a reference and the user sees a plain sentence quoting it, never the exception's class or message. Without it
 * Vaadin only logs the exception and the user sees nothing happen.
 */
@Component
@Unguarded("Vaadin's service-init callback that installs the one error path")
class UiErrorHandling implements VaadinServiceInitListener {

    private static final Logger log = LoggerFactory.getLogger(UiErrorHandling.class);

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addSessionInitListener(init -> init.getSession().setErrorHandler(new ShownWithReference()));
    }

    private static final class ShownWithReference implements ErrorHandler {

        @Override
        public void error(ErrorEvent event) {
            Throwable error = event.getThrowable();
            String message;
            if (causedBy(error, AccessDeniedException.class)) {
                log.info("A user action was refused by a role rule: {}", error.toString());
                message = I18n.t("error.notAllowed");
            } else {
                message = I18n.t("error.action", ErrorReference.logged(log, "A user action", error));
            }
            if (UI.getCurrent() != null) {
                Notifications.error(message);
            }
        }
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
