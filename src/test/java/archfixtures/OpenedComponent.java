package archfixtures;

import jakarta.annotation.security.RolesAllowed;
import org.histoscope.platform.Unguarded;
import org.springframework.stereotype.Component;

/** Keeps everyPublicServiceOrComponentMethodIsGuarded: one method opened with its reason, one with a role rule. */
@Component
public class OpenedComponent {

    @Unguarded("a framework callback")
    public void onStart() {
    }

    @RolesAllowed("ADMIN")
    public void purge() {
    }
}
