package org.histoscope.ui;

import org.histoscope.security.IdleWatch;
import org.histoscope.security.SecurityProperties;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.time.Clock;

/**
 * The frame around every view. The navigation is built from the views' {@code @Menu} annotations and shows
 * only the views the signed-in user may open, so a feature adds a menu entry without touching this class.
 */
@Layout
@AnonymousAllowed
public class MainLayout extends AppLayout {

    public MainLayout(AuthenticationContext authentication, SecurityProperties security, Clock clock) {
        H1 title = new H1("Histoscope");
        title.addClassName("app-title");

        Span user = new Span(authentication.getPrincipalName().orElse(""));
        user.addClassName("app-user");
        Button logout = new Button(getTranslation("layout.signOut"), e -> authentication.logout());
        logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        logout.setId("logout");

        HorizontalLayout header = new HorizontalLayout(new DrawerToggle(), title, user, logout);
        header.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        header.expand(title);
        header.setWidthFull();
        header.addClassName("app-header");
        addToNavbar(header);

        SideNav nav = new SideNav();
        MenuConfiguration.getMenuEntries().forEach(entry -> nav.addItem(
                new SideNavItem(I18n.orElse(menuKey(entry.path()), entry.title()), entry.path())));
        addToDrawer(nav);
        setPrimarySection(Section.DRAWER);
        if (authentication.isAuthenticated()) {
            addToNavbar(new IdleWatch(security, clock));
        }
        DisplayFormats.learnTimeZone(UI.getCurrent());
    }

    /**
     * The bundle key of a menu entry's title: "nav." and its route with dots for slashes ("nav.admin.users"), "nav.home"
     * for the root. A view whose key is not in the bundles yet keeps its {@code @Menu} title.
     */
    static String menuKey(String path) {
        String route = path.replaceAll("^/+|/+$", "");
        return "nav." + (route.isEmpty() ? "home" : route.replace('/', '.'));
    }
}
