package archfixtures;

import com.vaadin.flow.component.notification.Notification;
import jakarta.annotation.security.PermitAll;
import org.springframework.stereotype.Service;

/** Breaks onlyTheUiSideDependsOnVaadin: a service that talks to the browser. */
@Service
@PermitAll
public class VaadinInAService {

    public void save() {
        Notification.show("Saved");
    }
}
