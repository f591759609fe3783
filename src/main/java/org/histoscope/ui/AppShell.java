package org.histoscope.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;

/** Application-wide page settings: the Histoscope theme (frontend/themes/histoscope) and server push for live job updates. */
@Push
@Theme("histoscope")
@PWA(name = "Histoscope", shortName = "Histoscope", offlineResources = {})
public class AppShell implements AppShellConfigurator {
}
