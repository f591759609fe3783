package org.histoscope.platform;

import java.util.Optional;
import org.histoscope.platform.internal.RequestClientFilter;

/**
 * The client of the HTTP request this thread is handling: its address as the servlet container determined it (the
 * connecting peer, or the client named by a trusted proxy, see {@code server.tomcat.remoteip.*}). Bound for the
 * length of every request, browser UI and REST API alike, by {@link RequestClientFilter}; empty in background work.
 * Services read it here instead of from Vaadin's or the servlet's request, so they know nothing of either.
 */
public final class RequestClient {

    private static final ThreadLocal<String> ADDRESS = new ThreadLocal<>();

    private RequestClient() {
    }

    /** The address of the client this thread is serving, if it serves one. */
    public static Optional<String> address() {
        return Optional.ofNullable(ADDRESS.get());
    }

    /** Binds {@code address} to this thread until the returned binding is closed (then the previous one is back). */
    public static Binding bind(String address) {
        String previous = ADDRESS.get();
        ADDRESS.set(address);
        return () -> {
            if (previous == null) {
                ADDRESS.remove();
            } else {
                ADDRESS.set(previous);
            }
        };
    }

    /** An address bound to a thread; closing it restores what was bound before. */
    public interface Binding extends AutoCloseable {
        @Override
        void close();
    }
}
