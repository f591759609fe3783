package org.histoscope.ui;

import org.histoscope.security.ui.IdleWatch;
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
import com.vaadin.flow.router.AfterNavigationEvent;
import com.vaadin.flow.router.AfterNavigationObserver;
import com.vaadin.flow.router.Layout;
import com.vaadin.flow.server.auth.AnonymousAllowed;
import com.vaadin.flow.server.menu.MenuConfiguration;
import com.vaadin.flow.spring.security.AuthenticationContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The frame around every view. The navigation is built from the views' {@code @Menu} annotations and shows
 * only the views the signed-in user may open, so a feature adds a menu entry without touching this class. Beside an
 * entry with work waiting for the user it shows the count ({@link MenuCounts}), read again on every navigation.
 */
@Layout
@AnonymousAllowed
public class MainLayout extends AppLayout implements AfterNavigationObserver {

    private final AuthenticationContext authentication;
    private final List<MenuCounts> counts;
    private final Map<String, SideNavItem> items = new LinkedHashMap<>();

    public MainLayout(AuthenticationContext authentication, SecurityProperties security, Clock clock,
                      List<MenuCounts> counts) {
        this.authentication = authentication;
        this.counts = counts;
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
        MenuConfiguration.getMenuEntries().forEach(entry -> {
            SideNavItem item = new SideNavItem(I18n.orElse(menuKey(entry.path()), entry.title()), entry.path());
            items.put(stripSlashes(entry.path()), item);
            nav.addItem(item);
        });
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

    @Override
    public void afterNavigation(AfterNavigationEvent event) {
        if (!authentication.isAuthenticated()) {
            return;
        }
        Map<String, Long> waiting = new LinkedHashMap<>();
        counts.forEach(source -> waiting.putAll(source.forCurrentUser()));
        items.forEach((path, item) -> {
            Long count = waiting.get(path);
            if (count == null || count == 0) {
                item.setSuffixComponent(null);
                return;
            }
            Span badge = new Span(String.valueOf(count));
            badge.getElement().getThemeList().add("badge pill small contrast");
            badge.setId("nav-count-" + (path.isEmpty() ? "home" : path.replace('/', '-')));
            // a title, not aria-label: ARIA forbids naming a generic span (axe-core: aria-prohibited-attr)
            badge.getElement().setAttribute("title", getTranslation("nav.count", String.valueOf(count)));
            item.setSuffixComponent(badge);
        });
    }

    private static String stripSlashes(String path) {
        return path.replaceAll("^/+|/+$", "");
    }
}
