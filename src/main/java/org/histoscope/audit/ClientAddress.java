package org.histoscope.audit;

import java.util.Optional;
import org.histoscope.platform.RequestClient;

/**
 * The address of the client whose request is being handled, if any, from the request-scoped
 * {@link RequestClient} (filled by a servlet filter for the UI and the API alike). Only proxies named in
 * {@code server.tomcat.remoteip.internal-proxies} may put a forwarded client address there.
 */
final class ClientAddress {

    private ClientAddress() {
    }

    static Optional<String> current() {
        return RequestClient.address();
    }
}
