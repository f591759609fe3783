package org.histoscope.audit;

import com.vaadin.flow.server.VaadinRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The address of the client whose request is being handled, if any. Behind a reverse proxy set
 * {@code server.forward-headers-strategy=native} so that this is the client's, not the proxy's, address.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static Optional<String> current() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return Optional.ofNullable(request.getRemoteAddr());
        }
        VaadinRequest vaadinRequest = VaadinRequest.getCurrent();
        return vaadinRequest == null ? Optional.empty() : Optional.ofNullable(vaadinRequest.getRemoteAddr());
    }
}
