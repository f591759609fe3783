package org.histoscope.security;

import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import java.util.List;
import java.util.Map;

@Route(value = "login", autoLayout = false)
@PageTitle("Sign in | Histoscope")
@AnonymousAllowed
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    private final LoginForm login = new LoginForm();

    public LoginView() {
        addClassName("login-view");
        setSizeFull();
        setAlignItems(Alignment.CENTER);
        setJustifyContentMode(JustifyContentMode.CENTER);
        login.setAction("login");
        login.setForgotPasswordButtonVisible(false);
        add(new H1("Histoscope"), new Paragraph("Histopathology image classification and review"), login);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Map<String, List<String>> parameters = event.getLocation().getQueryParameters().getParameters();
        LoginI18n i18n = LoginI18n.createDefault();
        if (parameters.containsKey("locked")) {
            i18n.getErrorMessage().setTitle("Account locked");
            i18n.getErrorMessage().setMessage("Too many failed sign-in attempts. Try again later, or ask an "
                    + "administrator to unlock your account.");
        } else {
            i18n.getErrorMessage().setTitle("Sign-in failed");
            i18n.getErrorMessage().setMessage("Check your user name and password and try again.");
        }
        login.setI18n(i18n);
        login.setError(parameters.containsKey("error") || parameters.containsKey("locked"));
    }
}
