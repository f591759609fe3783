package org.histoscope.users.ui;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import org.histoscope.security.CurrentUser;
import org.histoscope.security.ui.LoginView;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;
import org.histoscope.users.UserAccountService;

/**
 * While a signed-in user must change their password (first administrator, new account, after a reset), every
 * navigation leads to {@link ChangePasswordView}.
 */
@Component
@Unguarded("Vaadin's service-init callback that sends a user who must change the password to that view")
class PasswordChangeGuard implements VaadinServiceInitListener {

    private final UserAccountService accounts;
    private final CurrentUser currentUser;

    PasswordChangeGuard(UserAccountService accounts, CurrentUser currentUser) {
        this.accounts = accounts;
        this.currentUser = currentUser;
    }

    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(init -> init.getUI().addBeforeEnterListener(this::redirectIfRequired));
    }

    private void redirectIfRequired(BeforeEnterEvent event) {
        Class<?> target = event.getNavigationTarget();
        if (target == ChangePasswordView.class || target == LoginView.class) {
            return;
        }
        currentUser.username()
                .filter(accounts::mustChangePassword)
                .ifPresent(username -> event.forwardTo(ChangePasswordView.class));
    }
}
