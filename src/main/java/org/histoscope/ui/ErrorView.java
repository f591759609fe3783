package org.histoscope.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.server.HttpStatusCode;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import jakarta.servlet.http.HttpServletResponse;
import org.histoscope.platform.ErrorReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;

/**
 * Shown instead of Vaadin's default error page when opening a page fails: a plain sentence and a reference that the
 * log has with the exception. Never the exception's class or message. More specific error views (page not found,
 * access denied by the router) still take precedence.
 */
@AnonymousAllowed
public class ErrorView extends VerticalLayout implements HasErrorParameter<Exception> {

    private static final Logger log = LoggerFactory.getLogger(ErrorView.class);

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<Exception> parameter) {
        removeAll();
        setId("error-view");
        if (UiErrorHandling.causedBy(parameter.getCaughtException(), AccessDeniedException.class)) {
            add(new H2(getTranslation("error.forbidden")), new Paragraph(getTranslation("error.forbidden.explanation")),
                    home());
            return HttpServletResponse.SC_FORBIDDEN;
        }
        String reference = ErrorReference.logged(log, "Opening /" + event.getLocation().getPath(),
                parameter.getCaughtException());
        Span quoted = new Span(reference);
        quoted.setId("error-reference");
        add(new H2(getTranslation("error.page")),
                new Paragraph(new Span(getTranslation("error.page.before") + " "), quoted,
                        new Span(" " + getTranslation("error.page.after"))), home());
        return HttpStatusCode.INTERNAL_SERVER_ERROR.getCode();
    }

    private Anchor home() {
        return new Anchor("", getTranslation("error.home"));
    }
}
