package org.histoscope.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.router.BeforeEvent;
import com.vaadin.flow.router.HasUrlParameter;
import com.vaadin.flow.router.Route;
import jakarta.annotation.security.PermitAll;

/**
 * Test only (src/test): a page that fails on purpose, when opened ({@code /test-fault/open}) or when its button is
 * clicked ({@code /test-fault/click}), with an exception text that must never reach the browser.
 */
@Route("test-fault")
@PermitAll
public class FaultInjectionView extends Div implements HasUrlParameter<String> {

    public static final String SECRET = "injected-fault-internal-detail-7f3a";

    @Override
    public void setParameter(BeforeEvent event, String where) {
        if ("open".equals(where)) {
            throw new IllegalStateException(SECRET);
        }
        Button fail = new Button("Fail", e -> {
            throw new IllegalStateException(SECRET);
        });
        fail.setId("fault-button");
        add(fail);
    }
}
