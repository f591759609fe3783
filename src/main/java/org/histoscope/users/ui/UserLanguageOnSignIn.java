package org.histoscope.users.ui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinRequest;
import com.vaadin.flow.server.VaadinServiceInitListener;
import java.util.Locale;
import java.util.Optional;
import org.histoscope.platform.Unguarded;
import org.histoscope.security.CurrentUser;
import org.histoscope.users.UserAccountService;
import org.histoscope.users.UserLanguage;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * Every new page (UI) of a signed-in user opens in the language stored on their account, read afresh each time so a
 * change (by them or an administrator) applies at the next page load of every session; without a stored language,
 * or before sign-in, the browser's language decides (English when it is neither English nor German).
 */
@Component
@Unguarded("Vaadin's service-init callback; it reads only the signed-in user's own language")
class UserLanguageOnSignIn implements VaadinServiceInitListener {

    private final UserAccountService accounts;
    private final CurrentUser currentUser;

    UserLanguageOnSignIn(UserAccountService accounts, CurrentUser currentUser) {
        this.accounts = accounts;
        this.currentUser = currentUser;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> apply(init.getUI()));
    }

    private void apply(UI ui) {
        Locale locale = storedLanguage().map(UserLanguage::locale).orElseGet(UserLanguageOnSignIn::browserLanguage);
        ui.getSession().setLocale(locale);
        ui.setLocale(locale);
    }

    private Optional<UserLanguage> storedLanguage() {
        if (currentUser.username().isEmpty()) {
            return Optional.empty();
        }
        try {
            return accounts.ownLanguage();
        } catch (AccessDeniedException e) {
            return Optional.empty(); // a principal without a screen role (none reaches a view anyway)
        }
    }

    /** Applies a just-chosen language to the current session at once (the caller reloads the page). */
    static void applyNow(UI ui, UserLanguage language) {
        Locale locale = language == null ? browserLanguage() : language.locale();
        ui.getSession().setLocale(locale);
    }

    private static Locale browserLanguage() {
        VaadinRequest request = VaadinRequest.getCurrent();
        Locale browser = request == null ? null : request.getLocale();
        return browser != null && browser.getLanguage().equals(Locale.GERMAN.getLanguage()) ? Locale.GERMAN
                : Locale.ENGLISH;
    }
}
