package org.histoscope.security;

import java.util.List;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Component;

/**
 * The signed-in sessions per user, so that disabling an account, resetting its password or changing its roles
 * takes effect at the user's next request instead of when their session happens to end.
 */
@Component
public class ActiveSessions {

    private final SessionRegistry registry;

    ActiveSessions(SessionRegistry registry) {
        this.registry = registry;
    }

    /** Marks every session of the user as expired; returns how many there were. */
    public int endSessionsOf(String username) {
        int ended = 0;
        for (Object principal : registry.getAllPrincipals()) {
            if (username.equalsIgnoreCase(nameOf(principal))) {
                List<SessionInformation> sessions = registry.getAllSessions(principal, false);
                sessions.forEach(SessionInformation::expireNow);
                ended += sessions.size();
            }
        }
        return ended;
    }

    private static String nameOf(Object principal) {
        return principal instanceof UserDetails user ? user.getUsername() : String.valueOf(principal);
    }
}
