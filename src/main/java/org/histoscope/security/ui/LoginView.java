package org.histoscope.security.ui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Map;
import org.histoscope.security.internal.OidcSignInLinks;

@Route(value = "login", autoLayout = false)
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {

    private final LoginForm login = new LoginForm();
    private final Paragraph sessionEnded = new Paragraph();

    public LoginView(OidcSignInLinks oidcLinks) {
        addClassName("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        login.setAction("login");
        login.setForgotPasswordButtonVisible(false);
        sessionEnded.setId("session-ended");
        sessionEnded.setVisible(false);
        add(new H1("Histoscope"), new Paragraph(getTranslation("login.tagline")), sessionEnded, login);
        for (OidcSignInLinks.Link oidc : oidcLinks.links()) {
            // a plain link: the authorization request is a full-page redirect to the provider
            Anchor link = new Anchor(oidc.path(), oidc.label());
            link.setRouterIgnore(true);
            link.addClassName("oidc-sign-in");
            add(link);
        }
    }

    /**
     * Every failed sign-in gets the same message, whatever the reason (unknown name, wrong password, locked,
     * disabled or throttled), so the page reveals nothing about which accounts exist. The form posts its CSRF token
     * in the body (checked by LoginRequestFilter): vaadin-login-form copies it into a hidden field from the
     * {@code _csrf} and {@code _csrf_parameter} meta tags that Vaadin's Spring integration puts in every page.
     */
    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> parameters = event.getLocation().getQueryParameters().getParameters();
        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle(getTranslation("login.title"));
        i18n.getForm().setUsername(getTranslation("login.username"));
        i18n.getForm().setPassword(getTranslation("login.password"));
        i18n.getForm().setSubmit(getTranslation("login.submit"));
        i18n.getErrorMessage().setTitle(getTranslation("login.failed"));
        i18n.getErrorMessage().setMessage(getTranslation("login.failed.explanation"));
        login.setI18n(i18n);
        login.setError(parameters.containsKey("error"));
        if (parameters.containsKey("timeout") || parameters.containsKey("expired")) {
            sessionEnded.setText(parameters.containsKey("timeout")
                    ? getTranslation("login.timeout") : getTranslation("login.expired"));
            sessionEnded.setVisible(true);
        } else {
            sessionEnded.setVisible(false);
        }
    }

    @Override
    public String getPageTitle() {
        return getTranslation("login.pageTitle");
    }
}
