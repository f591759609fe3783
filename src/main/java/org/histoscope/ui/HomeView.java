package org.histoscope.ui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Menu;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

@Route("")
@PageTitle("Home | Histoscope")
@Menu(title = "Home", order = 0)
@PermitAll
public class HomeView extends VerticalLayout {

    public HomeView() {
        add(new H2("Welcome to Histoscope"),
                new Paragraph("Use the menu to open cases, the review queue or administration."));
    }
}
