package org.histoscope.audit.internal;

import java.util.Optional;
import org.histoscope.platform.RequestClient;

/**
 * The address of the client whose request is being handled, if any, from the request-scoped
 * {@link RequestClient} (filled by a servlet filter for the UI and the API alike). Only proxies named in
 * {@code server.tomcat.remoteip.internal-proxies} may put a forwarded client address there.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static Optional<String> current() {
        return RequestClient.address();
    }
}
